-- A pattern that backtracks in C for hours on a 40-byte string: no
-- instruction runs meanwhile, so only the wall-clock limit stops it.
local s = string.rep("a", 40)
local found = s:find("a*a*a*a*a*a*a*a*a*a*a*b")
return { found = function() return found end }
