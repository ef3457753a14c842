-- raises a classed error (mig.error): the recover block reads the
-- module's own words in err.message; its place is in err.detail.where.
-- mig.log and print write log lines of the step.
local M = {}
function M.put(args)
  mig.log.info("putting", args.name)
  if args.name == "free" then print("print is", "mig.log.info") end
  if args.name == "taken" then
    mig.error("Conflict", args.name .. " is already in the registry")
  end
  return args.name
end
return M
