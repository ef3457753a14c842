-- registry.lua: the V2 registry, kept as a directory of JSON files: one
-- entry per tool at DB/KIND/NAME.json, and DB/index.json, which lists
-- them. The plans read and write those files with mig's own actions
-- (file.read_json, file.write), so every write is journaled and undone on
-- rollback; these functions only compute paths, entries and indexes, with
-- the string and table libraries (the sandbox gives Lua no io or os).
--
-- Each function takes one table of arguments: named arguments by name,
-- positional ones at [1], [2], ... An error raised with mig.error(class,
-- message) is an error of that class in the plan (docs/lua.md).

local INDEX = "mig.v2/index"

local function fail(class, fmt, ...)
  mig.error(class, string.format(fmt, ...), 2)
end

-- The file name of a tool: lower case, [a-z0-9_-] only.
local function slug(name)
  local s = string.lower(tostring(name)):gsub("[^a-z0-9_%-]", "-")
  return s
end

-- Whether two decoded JSON values are equal, key order aside.
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then
    return a == b
  end
  for k, v in pairs(a) do
    if not same(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

local M = {}

-- path{db, kind, name}: the file that holds the entry of tool NAME.
function M.path(args)
  return string.format("%s/%s/%s.json", args.db, args.kind, slug(args.name))
end

-- admit{entry, taken, overwrite}: ENTRY, unless the registry already holds
-- a tool of that name (TAKEN: the paths of the kind's folder, as
-- file.list gives them) and OVERWRITE is not true: then a Conflict.
function M.admit(args)
  local entry = args.entry
  local file = "/" .. slug(entry.name) .. ".json"
  if args.overwrite ~= true then
    for _, path in ipairs(args.taken or {}) do
      if path:sub(-#file) == file then
        fail("Conflict", "'%s' is already in the registry: %s", entry.name, path)
      end
    end
  end
  return entry
end

-- same{stored, entry}: whether the stored entry equals ENTRY.
function M.same(args)
  return same(args.stored, args.entry)
end

-- import{tools, kind}: a new index holding the generic legacy tool
-- definitions TOOLS ({name, description, parameters}).
function M.import(args)
  local index = { schema = INDEX, revision = 1, tools = {} }
  for _, t in ipairs(args.tools) do
    if type(t.name) ~= "string" or t.name == "" then
      fail("InvalidConfig", "a legacy tool has no name")
    end
    index.tools[t.name] = {
      kind = args.kind or "function",
      description = t.description or "",
      input_schema = t.parameters or { type = "object", properties = {} },
    }
  end
  return index
end

-- reindex{index, batch, owner}: INDEX with the entries of BATCH added and
-- its revision raised; a Conflict while another writer holds its lock.
function M.reindex(args)
  local index, owner = args.index, args.owner or "mig"
  if index.lock ~= nil and index.lock ~= owner then
    fail("Conflict", "the index is locked by %s", tostring(index.lock))
  end
  local tools = {}
  for name, e in pairs(index.tools or {}) do tools[name] = e end
  for _, e in ipairs(args.batch) do
    tools[e.name] = { kind = e.kind, description = e.description,
                      file = e.kind .. "/" .. slug(e.name) .. ".json" }
  end
  return { schema = INDEX, revision = (index.revision or 0) + 1, tools = tools }
end

-- summary{index}: what a client caches: the revision and a count per kind.
function M.summary(args)
  local kinds, total = {}, 0
  for _, e in pairs(args.index.tools or {}) do
    kinds[e.kind] = (kinds[e.kind] or 0) + 1
    total = total + 1
  end
  return { revision = args.index.revision, tools = total, kinds = kinds }
end

return M
