// Mail module
