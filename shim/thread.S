/* The two pieces of the engine that cannot be C: starting a raw thread on
 * its own stack, and returning from a signal handler. */
	.text

/* long __bc_spawn(void (*fn)(void), void *stack_top, void *tls, int *ctid):
 * clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|
 * CLONE_SYSVSEM|CLONE_SETTLS|CLONE_CHILD_CLEARTID); the child runs fn and
 * exits, and the kernel then clears *ctid and wakes its futex. */
	.globl __bc_spawn
	.hidden __bc_spawn
	.type __bc_spawn, @function
__bc_spawn:
	mov %rdi, %r9
	mov %rdx, %r8
	mov %rcx, %r10
	mov $0x2d0f00, %edi
	xor %edx, %edx
	mov $56, %eax
	syscall
	test %rax, %rax
	jnz 1f
	xor %ebp, %ebp
	and $-16, %rsp
	call *%r9
	mov $60, %eax
	xor %edi, %edi
	syscall
	hlt
1:	ret
	.size __bc_spawn, . - __bc_spawn

/* The bytes unwinders recognise as a signal frame's return. */
	.globl __bc_restore_rt
	.hidden __bc_restore_rt
	.type __bc_restore_rt, @function
__bc_restore_rt:
	movq $15, %rax
	syscall
	.size __bc_restore_rt, . - __bc_restore_rt

	.section .note.GNU-stack, "", @progbits
