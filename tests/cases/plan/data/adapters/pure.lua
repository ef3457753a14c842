-- A pure adapter for the dry-run cases: convert is computed in a dry run,
-- store (declared plan-undo) only previewed.
local M = {}
M.effects = { store = "plan-undo" }
function M.convert(args)
  return { name = args.name, size = #args.name }
end
function M.store(args)
  return args.record
end
return M
