-- raises a classed error (mig.error): the recover block reads the
-- module's own words in err.message; its place is in err.detail.where.
local M = {}
function M.put(args)
  if args.name == "taken" then
    mig.error("Conflict", args.name .. " is already in the registry")
  end
  return args.name
end
return M
