// Identity module
