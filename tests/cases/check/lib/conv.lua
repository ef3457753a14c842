-- A Lua module for the check cases on Lua functions: functions of each
-- effect, a recovery hook, and a field that is not a function. to_v2
-- reads only args.tool, args.extra and args[1], so mig check knows its
-- argument names; put and wipe pass their table on (any names).
local M = {}
M.VERSION = "2.1"
function M.to_v2(args) return args.tool or args[1], args["extra"] end
function M.recover(args) return { decision = "skip", reason = "legacy" } end
function M.put(args) return args ~= nil end
function M.put_undo(record) return true end
function M.wipe(args) return type(args) end
M.effects = { put = "self-undo", wipe = "irreversible" }
return M
