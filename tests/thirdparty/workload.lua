-- A scripted workload for tests/thirdparty.sh: the same run under stock
-- musl, bc-musl-gcc --bc=off and --bc=pass must print, write and exit
-- alike.  Deterministic: no time, no random numbers, no addresses.
local function check(cond, what)
	if not cond then
		io.stderr:write("workload: FAILED: ", what, "\n")
		os.exit(1)
	end
end

-- Unbuffered, so that each small write is one write syscall.
local f = assert(io.open("log.txt", "w"))
f:setvbuf("no")
for i = 1, 300 do
	f:write(string.format("%04d %-6s %08.3f %x\n", i, ("ab"):rep(i % 3 + 1), i / 7, i * 2654435761 % 65536))
end
f:close()

-- Buffered writes of records, then a binary-ish file written in pieces.
local g = assert(io.open("records.csv", "w"))
local names = { "delta", "alpha", "echo", "charlie", "bravo", "foxtrot", "golf", "hotel" }
for i = 1, 200 do
	local name = names[i % #names + 1]
	g:write(name, ",", i, ",", (i * 37) % 101, "\n")
end
g:close()
local b = assert(io.open("bytes.bin", "wb"))
b:setvbuf("full", 64)
for i = 0, 255 do b:write(string.char(i, 255 - i)) end
b:close()

-- Read back: lines, counts and sums.
local n, sum = 0, 0
for line in io.lines("log.txt") do
	n = n + 1
	local num, hex = line:match("^(%d+) %a+%s+[%d.]+ (%x+)$")
	check(num and tonumber(num) == n, "log line " .. n .. ": " .. line)
	sum = sum + tonumber(hex, 16)
end
print(string.format("log.txt: %d lines, hex sum %d", n, sum))

-- Sort the records by value, then by name; keep the first few.
local rows = {}
for line in io.lines("records.csv") do
	local name, i, v = line:match("^(%a+),(%d+),(%d+)$")
	rows[#rows + 1] = { name = name, i = tonumber(i), v = tonumber(v) }
end
table.sort(rows, function(x, y)
	if x.v ~= y.v then return x.v > y.v end
	if x.name ~= y.name then return x.name < y.name end
	return x.i < y.i
end)
for k = 1, 5 do
	print(string.format("top %d: %-8s i=%3d v=%3d", k, rows[k].name, rows[k].i, rows[k].v))
end
local count = {}
for _, r in ipairs(rows) do count[r.name] = (count[r.name] or 0) + 1 end
local keys = {}
for k in pairs(count) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do io.write(k, "=", count[k], " ") end
io.write("\n")

-- Seek about in the binary file.
b = assert(io.open("bytes.bin", "rb"))
print("bytes.bin size", b:seek("end"))
b:seek("set", 100)
local s = b:read(6)
print("at 100:", (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)))
print("cur", b:seek("cur"), "back", b:seek("cur", -4))
print("rest", #b:read("a"))
b:close()

-- Read and update in place ("r+"), then read numbers back.
local u = assert(io.open("numbers.txt", "w+"))
for i = 1, 50 do u:write(i * i, " ") end
u:seek("set", 0)
local total = 0
while true do
	local v = u:read("n")
	if not v then break end
	total = total + v
end
u:seek("set", 0)
u:write("9999")
u:close()
print("squares sum", total)
u = assert(io.open("numbers.txt", "r"))
print("first", u:read("n"), "second", u:read("n"))
u:close()

-- Appends, then gsub over the whole file.
for i = 1, 40 do
	local a = assert(io.open("append.txt", "a"))
	a:write("line ", i, "\n")
	a:close()
end
local all = assert(io.open("append.txt")):read("a")
local replaced, k = all:gsub("line (%d+)", function(d) return d % 2 == 0 and "even" or nil end)
print("append.txt", #all, "replaced", k, select(2, replaced:gsub("even", "")))

-- rename and remove, the failures too (their messages carry errno).
check(os.rename("records.csv", "sorted.csv"), "rename")
print("rename missing:", os.rename("no-such-file", "x"))
check(os.remove("numbers.txt"), "remove")
print("remove missing:", os.remove("numbers.txt"))
print("open missing:", io.open("no/such/dir/file", "r"))
for i = 1, 20 do
	local name = string.format("tmp%02d.txt", i)
	local t = assert(io.open(name, "w"))
	t:write(name:upper(), "\n")
	t:close()
	if i % 4 ~= 0 then check(os.remove(name), "remove " .. name) end
end

-- Formatting corner cases.
print(string.format("%5.2f|%-5d|%5s|%q|%g|%a", math.pi, 42, "x", "a\nb\0c", 1e300 * 10, 1.0))
print(string.format("%s %s %s", 2^53, math.maxinteger, math.mininteger // -1))
print(("hello world from lua"):gsub("(%w+)", "<%1>"))
print(("key = value; other=thing"):match("(%w+)%s*=%s*(%w+)"))
for k, v in string.gmatch("a=1, b=22, c=333", "(%w+)=(%w+)") do io.write(k, v, ";") end
io.write("\n")

io.stderr:write("workload: stderr line\n")
print("workload: done")
