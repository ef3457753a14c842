local M = {}
function M.boom(args)
  mig.error(string.rep("C", 10 * 1024 * 1024), string.rep("m", 1024 * 1024))
end
return M
