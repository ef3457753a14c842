-- A Lua module that returns a number instead of its functions.
return 42
