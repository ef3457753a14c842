-- broken.lua: a module with a syntax error, for the LSP exchanges.
local M = {}
function M.f(
  return 1
end
return M
