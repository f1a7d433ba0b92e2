bcshim-profile 1
write async
pwrite direct
