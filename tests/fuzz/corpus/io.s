; cat /etc/hostname: open, read, write, close, with error tests
	li	r1, -100		; AT_FDCWD
	la	r2, path
	li	r3, 0
	openat
	jneg	r0, end
	mov	r9, r0
	la	r10, buf
	li	r11, 64
	read
	jneg	r8, close
	li	r17, 1
	la	r18, buf
	mov	r19, r8
	write
close:	win	24		; paths with windows 16 and 24 meet here
	mov	r25, r0
	close
end:
path:	.asciz	"/etc/hostname"
buf:	.zero	64
