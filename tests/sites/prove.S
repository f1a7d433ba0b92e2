/* tests/sites/prove.sh's object: one function per verdict of
 * tools/sites.c.  Each site is named by a global label before it. */
	.text
	.globl clean, clean_site
	.type clean, @function
clean:
	.cfi_startproc
clean_site:
	mov $39, %eax
	syscall
	ret
	.cfi_endproc
	.size clean, . - clean

	/* A branch lands on the syscall itself, inside the 7 bytes. */
	.globl inside, inside_site
	.type inside, @function
inside:
	.cfi_startproc
	test %edi, %edi
	jne 1f
inside_site:
	mov $39, %eax
1:	syscall
	ret
	.cfi_endproc
	.size inside, . - inside

	/* A jump table could land anywhere in the function. */
	.globl table, table_site
	.type table, @function
table:
	.cfi_startproc
	jmp *%rdi
table_site:
	mov $39, %eax
	syscall
	ret
	.cfi_endproc
	.size table, . - table

	/* A call first: glibc's multi-threaded path enables asynchronous
	 * cancellation so. */
	.globl called, called_site
	.type called, @function
called:
	.cfi_startproc
	call clean
called_site:
	mov $39, %eax
	syscall
	ret
	.cfi_endproc
	.size called, . - called

	/* clone: a child on another stack. */
	.globl cloning, cloning_site
	.type cloning, @function
cloning:
	.cfi_startproc
cloning_site:
	mov $56, %eax
	syscall
	ret
	.cfi_endproc
	.size cloning, . - cloning

	/* No unwind information: the function's bounds are unknown. */
	.globl bare, bare_site
	.type bare, @function
bare:
bare_site:
	mov $39, %eax
	syscall
	ret
	.size bare, . - bare

	/* Its address taken (a pointer lands on the syscall). */
	.globl pointed, pointed_site
	.type pointed, @function
pointed:
	.cfi_startproc
pointed_site:
	mov $39, %eax
2:	syscall
	ret
	.cfi_endproc
	.size pointed, . - pointed
	.data
	.quad 2b
	.section .note.GNU-stack, "", @progbits
