-- toolsmith.lua: the adapter for Toolsmith cards, the legacy catalogue's
-- format: one tool per text file, "key: value" lines, then one line per
-- parameter:
--
--   card: 2
--   id: weather.lookup
--   name: Weather lookup
--   summary: Current weather for a city.
--   endpoint: GET https://api.example.com/v1/weather
--   timeout: 30s
--   tags: weather, lookup
--   status: active               (or retired)
--
--   param city: text, required -- The city.
--   param units: choice(metric|imperial) = metric -- The units.
--
-- Parameter types: text, number, flag (yes/no), choice(a|b|...). The plan
-- reads each card (file.read) and passes its text in: the sandbox gives
-- Lua no io, so these functions only compute. Each takes one table of
-- arguments: named ones by name, positional ones at [1], [2], ...
-- Errors are raised with mig.error, in the plan's classes:
--   InvalidConfig  the card cannot be read (no header, a bad line)
--   ParamMismatch  a parameter of a type cards do not describe
--   Retired        a card whose status is retired (declared by the plan)

local M = {}

local TYPES = { text = "string", number = "number", flag = "boolean" }
local UNITS = { ms = 1, s = 1000, m = 60000, h = 3600000 }

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

-- "30s", "1m", "250ms": a mig duration.
local function duration(text, file)
  local n, unit = text:match("^(%d+)(%a+)$")
  if not n or not UNITS[unit] then
    mig.error("InvalidConfig", file .. ": '" .. text .. "' is not a timeout")
  end
  return mig.duration(tonumber(n) * UNITS[unit])
end

-- "a, b, c": a list (empty when TEXT is).
local function words(text)
  local list = mig.list()
  for w in text:gmatch("[^,%s]+") do list[#list + 1] = w end
  return list
end

-- "name: type[(a|b)][, required] [= default] [-- help]": one parameter.
local function param(line, file, n)
  local name, rest = line:match("^param%s+([%w_]+)%s*:%s*(.*)$")
  if not name then
    mig.error("InvalidConfig", string.format("%s:%d: not a parameter: %s",
                                             file, n, line))
  end
  local help = ""
  local spec = rest:gsub("%s*%-%-%s*(.*)$", function(h) help = h; return "" end)
  local default
  spec = spec:gsub("%s*=%s*(.-)%s*$", function(d) default = d; return "" end)
  local kind, choices = spec:match("^(%a+)%(([^)]*)%)")
  kind = kind or spec:match("^(%a+)")
  return {
    name = name, kind = kind, help = help, default = default,
    choices = choices, required = spec:find(",%s*required") ~= nil,
  }
end

-- parse{text, file}: the card as a table {fields = {...}, params = [...]}.
function M.parse(args)
  local text, file = args.text or args[1], args.file or "card"
  local card = { fields = {}, params = mig.list() }
  local n = 0
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    n = n + 1
    line = trim(line)
    if line:sub(1, 6) == "param " then
      card.params[#card.params + 1] = param(line, file, n)
    elseif line ~= "" and line:sub(1, 1) ~= "#" then
      local key, value = line:match("^([%w_]+)%s*:%s*(.*)$")
      if not key then
        mig.error("InvalidConfig", string.format("%s:%d: not a 'key: value' "
                                                 .. "line: %s", file, n, line))
      end
      card.fields[key] = value
    end
  end
  if card.fields.card ~= "2" then
    mig.error("InvalidConfig", file .. ": not a Toolsmith card of version 2")
  end
  return card
end

-- The JSON Schema of one parameter, or nil and why.
local function schema(p, strict)
  if p.kind == "choice" then
    return { type = "string", enum = words((p.choices or ""):gsub("|", ",")),
             description = p.help }
  end
  local t = TYPES[p.kind]
  if not t then
    if strict then return nil end
    return { type = "string", description = p.help .. " (was a '"
                                            .. tostring(p.kind) .. "')" }
  end
  local s = { type = t, description = p.help }
  if p.default and t == "number" then s.default = tonumber(p.default) end
  if p.default and t == "boolean" then s.default = p.default == "yes" end
  return s
end

-- to_v2{card, file, strict}: the V2 registry entry of a parsed card. With
-- strict = false, a parameter of an unknown type becomes a string.
function M.to_v2(args)
  local card, file = args.card or args[1], args.file or "card"
  local f = card.fields
  if f.status == "retired" then
    mig.error("Retired", f.id .. " is retired in Toolsmith")
  end
  local method, url = (f.endpoint or ""):match("^(%u+)%s+(%S+)$")
  if not method then
    mig.error("InvalidConfig", file .. ": 'endpoint' must be 'METHOD URL'")
  end
  local properties, required = mig.map(), mig.list()
  for _, p in ipairs(card.params) do
    local s = schema(p, args.strict ~= false)
    if not s then
      mig.error("ParamMismatch", string.format("%s: parameter '%s' has the "
                .. "type '%s', which V2 tools cannot take", f.id, p.name,
                tostring(p.kind)))
    end
    properties[p.name] = s
    if p.required then required[#required + 1] = p.name end
  end
  local entry = {
    schema = "mig.v2/tool", kind = "http",
    name = (f.id:gsub("[^%w]", "_")), title = f.name,
    description = f.summary or "",
    endpoint = { method = method, url = url },
    timeout = duration(f.timeout or "30s", file),
    tags = words(f.tags or ""),
    input_schema = { type = "object", properties = properties,
                     required = required },
    source = { format = "toolsmith", card = 2, file = file },
  }
  local ok, errors = mig.schema.validate(entry, M.ENTRY)
  if not ok then
    mig.error("ValidationFailed", f.id .. ": " .. table.concat(errors, "; "))
  end
  return entry
end

-- convert{text, file, strict}: parse and to_v2 in one call.
function M.convert(args)
  local card = M.parse{ text = args.text or args[1], file = args.file }
  return M.to_v2{ card = card, file = args.file, strict = args.strict }
end

-- recover{err, item}: the recovery hook (recover * with toolsmith.recover).
-- A parameter type V2 cannot take: retry once without strict types. A
-- retired tool: skip it. Anything else fails the item.
function M.recover(args)
  local err, item = args.err or {}, tostring(args.item)
  if err.class == "ParamMismatch" and (err.attempt or 1) < 2 then
    mig.log.warn("retrying " .. item .. " with lenient types: " .. err.message)
    return { decision = "retry", input = { strict = false } }
  end
  if err.class == "Retired" then
    return { decision = "skip", reason = item .. " is retired" }
  end
  return { decision = "fail", message = item .. ": " .. tostring(err.message) }
end

-- What every entry must look like (mig.schema.validate).
M.ENTRY = {
  type = "object",
  required = { "schema", "kind", "name", "endpoint", "input_schema" },
  properties = {
    name = { type = "string", minLength = 1, maxLength = 64 },
    kind = { enum = { "http" } },
    endpoint = {
      type = "object", required = { "method", "url" },
      properties = { method = { enum = { "GET", "POST", "PUT", "DELETE" } },
                     url = { type = "string", minLength = 8 } },
    },
    tags = { type = "array", items = { type = "string" } },
    timeout = { type = "duration" },
  },
}

return M
