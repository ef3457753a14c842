-- An action whose pattern backtracks in C for hours.
local M = {}
function M.slow(args)
  return (string.rep("a", 40):match("a*a*a*a*a*a*a*a*a*a*a*b"))
end
return M
