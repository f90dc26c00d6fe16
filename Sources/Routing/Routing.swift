// Routing module
