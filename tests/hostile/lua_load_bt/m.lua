-- load with the mode "bt" (text or binary) loads text.
local f = assert(load("return 41 + 1", "chunk", "bt"))
return { answer = f }
