-- A Lua module for the check cases on Lua functions: functions of each
-- effect, a recovery hook, and a field that is not a function.
local M = {}
M.VERSION = "2.1"
function M.to_v2(args) return args.tool or args[1] end
function M.recover(args) return { decision = "skip", reason = "legacy" } end
function M.put(args) return true end
function M.put_undo(record) return true end
function M.wipe(args) return true end
M.effects = { put = "self-undo", wipe = "irreversible" }
return M
