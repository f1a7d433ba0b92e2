/* Building programs into a page, and the binary program image. */
#include <errno.h>

#include "internal.h"

void bc_page_init(struct bc_page *p)
{
	memset(p, 0, sizeof *p);
	p->magic = BC_MAGIC;
	p->version = BC_VERSION;
}

static int put_operand(uint8_t *b, unsigned kind, uint64_t v)
{
	unsigned size = __bc_kind_size(kind);

	if (size == 1 && v > 0xff)
		return -ERANGE;
	if (size == 2 && v > 0xffff)
		return -ERANGE;
	if (size == 1)
		b[0] = v;
	else if (size == 2)
		__bc_put16(b, v);
	else
		memcpy(b, &v, 8);
	return size;
}

int bc_emit(struct bc_page *p, enum bc_op op, const uint64_t *operand)
{
	const struct bc_opinfo *info = bc_op_info(op);
	unsigned pc = p->code_len;
	uint8_t buf[16];

	if (!info || p->data_len || (info->kind[0] && !operand))
		return -EINVAL;
	if (pc + info->len > BC_CODE_MAX)
		return -ENOSPC;
	buf[0] = op;
	for (unsigned i = 0, at = 1; i < 3 && info->kind[i]; i++) {
		int n = put_operand(buf + at, info->kind[i], operand[i]);
		if (n < 0)
			return n;
		at += n;
	}
	memcpy(p->code + pc, buf, info->len);
	p->code_len = pc + info->len;
	return pc;
}

int bc_patch_jump(struct bc_page *p, unsigned pc, unsigned target)
{
	struct bc_insn in;
	const struct bc_opinfo *info;

	if (p->code_len > BC_CODE_MAX || bc_decode(p->code, p->code_len, pc, &in) < 0 ||
	    target <= pc || target > 0xffff)
		return -EINVAL;
	info = bc_op_info(in.op);
	for (unsigned i = 0, at = 1; i < 3 && info->kind[i]; i++) {
		if (info->kind[i] == BC_K_JUMP) {
			__bc_put16(p->code + pc + at, target);
			return 0;
		}
		at += __bc_kind_size(info->kind[i]);
	}
	return -EINVAL;
}

int bc_emit_data(struct bc_page *p, const void *data, size_t len)
{
	unsigned at = p->code_len + p->data_len;

	if (at > BC_CODE_MAX || len > BC_CODE_MAX - at)
		return -ENOSPC;
	memcpy(p->code + at, data, len);
	p->data_len += len;
	return at;
}

size_t bc_image_size(const struct bc_page *p)
{
	return BC_HDR_SIZE + p->code_len + p->data_len;
}

int bc_image_load(const void *image, size_t n, struct bc_page *p, struct bc_diag *d)
{
	struct bc_page hdr;
	size_t body;

	if (n < BC_HDR_SIZE)
		return __bc_fail(d, n, "offset %zu: file ends inside the %d-byte header",
				 n, BC_HDR_SIZE);
	memcpy(&hdr, image, BC_HDR_SIZE);
	body = n - BC_HDR_SIZE;
	if (hdr.magic != BC_MAGIC)
		return __bc_fail(d, 0, "offset 0: not a bc program (magic 0x%08x, expected 0x%08x)",
				 hdr.magic, BC_MAGIC);
	if (body > BC_CODE_MAX)
		return __bc_fail(d, BC_HDR_SIZE + BC_CODE_MAX,
				 "offset %d: program is %zu bytes, longer than the %d-byte code area",
				 BC_HDR_SIZE + BC_CODE_MAX, body, BC_CODE_MAX);
	if ((size_t)hdr.code_len + hdr.data_len != body)
		return __bc_fail(d, 6, "offset 6: header gives %u code and %u data bytes, the file has %zu",
				 hdr.code_len, hdr.data_len, body);
	memset(p, 0, sizeof *p);
	memcpy(p, &hdr, BC_HDR_SIZE);
	memcpy(p->code, (const uint8_t *)image + BC_HDR_SIZE, body);
	p->status = BC_ST_READY;
	p->stop_pc = 0;
	p->win = 0;
	p->error = 0;
	p->calls = 0;
	return 0;
}
