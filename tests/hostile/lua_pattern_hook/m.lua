-- A recovery hook whose gsub backtracks in C for hours.
local M = {}
function M.decide(args)
  string.rep("a", 40):gsub("a*a*a*a*a*a*a*a*a*a*a*b", function(w) return w end)
  return "skip"
end
return M
