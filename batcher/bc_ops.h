/* The bc opcode list: the single source for the enum, the names, the
 * operand shapes and the interpreter's dispatch.  See docs/abi.md.
 *
 * Instruction encoding (little-endian operands, no alignment):
 *
 *   byte   0        1        2        3        4 ...
 *        +--------+--------+--------+--------+--------+
 *   NONE | opcode |                                      call ops, stop
 *        +--------+--------+
 *   WIN  | opcode |  base  |                             win
 *        +--------+--------+--------+
 *   NR   | opcode |   nr (u16)      |                    sys
 *        +--------+--------+--------+--------+-- ... --+
 *   RI   | opcode |   rd   |       imm (i64, 8 bytes)  | li
 *        +--------+--------+--------+--------+-- ... --+
 *   RA   | opcode |   rd   |  off (u16)      |           la
 *        +--------+--------+--------+--------+
 *   RR   | opcode |   rd   |   rs   |                    mov, add
 *        +--------+--------+--------+
 *   J    | opcode | target (u16)    |                    jmp
 *        +--------+--------+--------+--------+
 *   RJ   | opcode |   ra   | target (u16)    |           jneg
 *        +--------+--------+--------+--------+--------+
 *   RRJ  | opcode |   ra   |   rb   | target (u16)    |  jeq jne jlt jge
 *        +--------+--------+--------+--------+--------+
 *
 * A call op takes its arguments from the window registers w+1..w+6, writes
 * its result to w+0 and then advances the window w by 8.  A window never
 * wraps past r255.  A jump's target is an absolute code offset, and the
 * verifier admits forward jumps only, so every program terminates.
 */
#ifndef BC_OPS_H
#define BC_OPS_H

/* X(name, code, shape, syscall number or -1, arguments used) */
#define BC_OPCODES(X) \
	X(stop,       0x01, NONE, -1,  0) \
	X(win,        0x02, WIN,  -1,  0) \
	X(li,         0x03, RI,   -1,  0) \
	X(la,         0x04, RA,   -1,  0) \
	X(mov,        0x05, RR,   -1,  0) \
	X(add,        0x06, RR,   -1,  0) \
	X(jmp,        0x08, J,    -1,  0) \
	X(jneg,       0x09, RJ,   -1,  0) \
	X(jeq,        0x0a, RRJ,  -1,  0) \
	X(jne,        0x0b, RRJ,  -1,  0) \
	X(jlt,        0x0c, RRJ,  -1,  0) \
	X(jge,        0x0d, RRJ,  -1,  0) \
	X(sys,        0x0f, NR,   -1,  6) \
	X(read,       0x10, CALL,   0, 3) \
	X(write,      0x11, CALL,   1, 3) \
	X(readv,      0x12, CALL,  19, 3) \
	X(writev,     0x13, CALL,  20, 3) \
	X(pread64,    0x14, CALL,  17, 4) \
	X(pwrite64,   0x15, CALL,  18, 4) \
	X(preadv,     0x16, CALL, 295, 5) \
	X(pwritev,    0x17, CALL, 296, 5) \
	X(openat,     0x18, CALL, 257, 4) \
	X(close,      0x19, CALL,   3, 1) \
	X(fstat,      0x1a, CALL,   5, 2) \
	X(newfstatat, 0x1b, CALL, 262, 4) \
	X(statx,      0x1c, CALL, 332, 5) \
	X(lseek,      0x1d, CALL,   8, 3) \
	X(fsync,      0x1e, CALL,  74, 1) \
	X(fdatasync,  0x1f, CALL,  75, 1) \
	X(ftruncate,  0x20, CALL,  77, 2) \
	X(fallocate,  0x21, CALL, 285, 4) \
	X(fchmod,     0x22, CALL,  91, 2) \
	X(fchown,     0x23, CALL,  93, 3) \
	X(utimensat,  0x24, CALL, 280, 4) \
	X(mkdirat,    0x25, CALL, 258, 3) \
	X(unlinkat,   0x26, CALL, 263, 3) \
	X(renameat2,  0x27, CALL, 316, 5) \
	X(sendto,     0x28, CALL,  44, 6) \
	X(sendmsg,    0x29, CALL,  46, 3) \
	X(recvfrom,   0x2a, CALL,  45, 6) \
	X(fadvise64,  0x2b, CALL, 221, 4) \
	X(madvise,    0x2c, CALL,  28, 3) \
	X(getpid,     0x2d, CALL,  39, 0) \
	X(getppid,    0x2e, CALL, 110, 0) \
	X(close_range,0x2f, CALL, 436, 3) \
	X(sendmmsg,   0x30, CALL, 307, 4)

/* X(shape, encoded length, operand kinds...) */
#define BC_SHAPES(X) \
	X(NONE, 1, BC_K_NONE, BC_K_NONE, BC_K_NONE) \
	X(CALL, 1, BC_K_NONE, BC_K_NONE, BC_K_NONE) \
	X(WIN,  2, BC_K_WIN,  BC_K_NONE, BC_K_NONE) \
	X(NR,   3, BC_K_NR,   BC_K_NONE, BC_K_NONE) \
	X(RI,  10, BC_K_REG,  BC_K_IMM,  BC_K_NONE) \
	X(RA,   4, BC_K_REG,  BC_K_ADDR, BC_K_NONE) \
	X(RR,   3, BC_K_REG,  BC_K_REG,  BC_K_NONE) \
	X(J,    3, BC_K_JUMP, BC_K_NONE, BC_K_NONE) \
	X(RJ,   4, BC_K_REG,  BC_K_JUMP, BC_K_NONE) \
	X(RRJ,  5, BC_K_REG,  BC_K_REG,  BC_K_JUMP)

#endif
