// SPDX-License-Identifier: GPL-2.0
/* libbpf side of the io_uring BPF loop: open, check, load, attach. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/capability.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ioengine/bpf_loader.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* bpf/chain.bpf.o, built into the engine by ioengine/bpf_chain_obj.c. */
extern const unsigned char ub_chain_bpf_obj[] __attribute__((visibility("hidden")));
extern const unsigned char ub_chain_bpf_obj_end[] __attribute__((visibility("hidden")));

#define UB_LOOP_MAP	"ub_chain_ops"
#define UB_LOOP_CFG	"cfg"

/* The user-side image of chain.bpf.c's struct io_uring_bpf_ops map. */
struct ub_loop_ops_image {
	void *loop_step;
	__u32 ring_fd;
};

struct ub_bpf_loop {
	struct bpf_object *obj;
	struct bpf_link *link;
	char name[256];		/* "built-in" or the path, for messages */
};

/* ---- libbpf's messages, kept per thread ---- */

#define UB_LOG_MAX	(1u << 20)	/* what is kept of all messages */
#define UB_LOG_HEAD	(8u << 10)	/* of one huge message (a verifier log): its head */
#define UB_LOG_TAIL	(256u << 10)	/* and its tail, where the verifier says why */

static __thread char *log_buf;
static __thread size_t log_len;
static __thread size_t log_dropped;

static void log_append(const char *s, size_t n)
{
	if (log_len + n >= UB_LOG_MAX) {
		log_dropped += n;
		return;
	}
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = '\0';
}

static int ub_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char note[96], *msg;
	const char *tail;
	va_list aq;
	int len;

	if (level == LIBBPF_DEBUG)
		return 0;
	if (!log_buf) {
		log_buf = malloc(UB_LOG_MAX);
		if (!log_buf)
			return 0;
		log_len = 0;
	}
	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len < 0)
		return 0;
	msg = malloc((size_t)len + 1);
	if (!msg)
		return 0;
	vsnprintf(msg, (size_t)len + 1, fmt, ap);
	if ((size_t)len <= UB_LOG_HEAD + UB_LOG_TAIL) {
		log_append(msg, len);
	} else {
		/* Cut at line ends: the head, a note, the tail. */
		const char *h = memchr(msg + UB_LOG_HEAD, '\n', len - UB_LOG_HEAD);
		size_t head = h ? (size_t)(h - msg) + 1 : UB_LOG_HEAD;

		tail = msg + len - UB_LOG_TAIL;
		while (tail < msg + len && *tail != '\n')
			tail++;
		if (tail < msg + len)
			tail++;
		log_append(msg, head);
		snprintf(note, sizeof(note), "... %zu bytes of this message left out ...\n",
			 (size_t)(tail - msg) - head);
		log_append(note, strlen(note));
		log_append(tail, msg + len - tail);
	}
	free(msg);
	return 0;
}

static pthread_once_t print_once = PTHREAD_ONCE_INIT;

static void install_print(void)
{
	libbpf_set_print(ub_libbpf_print);
}

static void log_reset(void)
{
	pthread_once(&print_once, install_print);
	log_len = 0;
	log_dropped = 0;
	if (log_buf)
		log_buf[0] = '\0';
}

void ub_bpf_loop_log(void (*fn)(const char *line, void *arg), void *arg)
{
	enum { HEAD = 12, TAIL = 48 };
	size_t nlines = 0, i = 0;
	char *p, *line, *save = NULL, *copy;
	char msg[96];

	if (!log_buf || !log_len)
		return;
	copy = strdup(log_buf);
	if (!copy)
		return;
	for (p = copy; *p; p++)
		nlines += *p == '\n';
	if (p > copy && p[-1] != '\n')
		nlines++;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		if (nlines > HEAD + TAIL && i >= HEAD && i < nlines - TAIL) {
			if (i == HEAD) {
				snprintf(msg, sizeof(msg), "... %zu lines of the log left out ...",
					 nlines - HEAD - TAIL);
				fn(msg, arg);
			}
			continue;
		}
		fn(line, arg);
	}
	if (log_dropped) {
		snprintf(msg, sizeof(msg), "... and %zu more bytes of log dropped", log_dropped);
		fn(msg, arg);
	}
	free(copy);
}

/* ---- checks ---- */

int ub_bpf_loop_probe(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	struct utsname un;
	struct btf *btf;
	const char *missing = NULL;
	int id;

	if (syscall(SYS_capget, &hdr, data) == 0) {
		bool bpf = data[CAP_BPF / 32].effective & (1u << (CAP_BPF % 32));
		bool admin = data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32));

		if (!bpf && !admin)
			missing = "CAP_BPF and CAP_SYS_ADMIN";
		else if (!bpf)
			missing = "CAP_BPF";
		else if (!admin)
			missing = "CAP_SYS_ADMIN";
	}
	if (missing) {
		snprintf(err, errlen, "bpf_chain=1: loading and attaching the io_uring BPF loop needs "
			 "CAP_BPF and CAP_SYS_ADMIN, and this process lacks %s; run fio as root "
			 "or use bpf_chain=0", missing);
		return -EPERM;
	}

	if (uname(&un))
		snprintf(un.release, sizeof(un.release), "unknown");
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		int e = errno ? errno : ENOENT;

		snprintf(err, errlen, "bpf_chain=1: cannot read the kernel's BTF "
			 "(/sys/kernel/btf/vmlinux): %s; the io_uring BPF loop needs a Linux 7.x "
			 "kernel built with CONFIG_DEBUG_INFO_BTF and CONFIG_IO_URING_BPF_OPS",
			 strerror(e));
		return -e;
	}
	id = btf__find_by_name_kind(btf, "io_uring_bpf_ops", BTF_KIND_STRUCT);
	btf__free(btf);
	if (id < 0) {
		snprintf(err, errlen, "bpf_chain=1: this kernel (Linux %s) has no io_uring BPF loop "
			 "(no struct io_uring_bpf_ops in /sys/kernel/btf/vmlinux; it needs Linux 7.x "
			 "with CONFIG_IO_URING_BPF_OPS); use bpf_chain=0", un.release);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* ---- open, configure, load, attach ---- */

int ub_bpf_loop_open(struct ub_bpf_loop **out, const char *path, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "uringbpf_chain");
	struct ub_bpf_loop *loop;
	int ret;

	log_reset();
	loop = calloc(1, sizeof(*loop));
	if (!loop) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (path) {
		snprintf(loop->name, sizeof(loop->name), "%s", path);
		loop->obj = bpf_object__open_file(path, &opts);
	} else {
		snprintf(loop->name, sizeof(loop->name), "the engine's built-in chain.bpf.o");
		loop->obj = bpf_object__open_mem(ub_chain_bpf_obj,
						 ub_chain_bpf_obj_end - ub_chain_bpf_obj, &opts);
	}
	if (!loop->obj) {
		char why[128];

		ret = errno ? -errno : -EINVAL;
		libbpf_strerror(ret, why, sizeof(why));
		snprintf(err, errlen, "bpf_chain=1: libbpf cannot open the BPF object (%s): %s",
			 loop->name, why);
		free(loop);
		return ret;
	}
	if (!bpf_object__find_map_by_name(loop->obj, UB_LOOP_MAP) ||
	    !bpf_object__find_map_by_name(loop->obj, ".rodata")) {
		snprintf(err, errlen, "bpf_chain=1: the BPF object (%s) is not the chain program: "
			 "it has no struct_ops map %s or no .rodata", loop->name, UB_LOOP_MAP);
		ub_bpf_loop_destroy(loop);
		return -EINVAL;
	}
	*out = loop;
	return 0;
}

/* Where the const volatile "cfg" lives inside .rodata, from the object's BTF. */
static int rodata_var(struct bpf_object *obj, const char *name, size_t size, size_t *off)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *v;
	const struct btf_type *sec;
	int id, i;

	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	v = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (v->size != size)
			return -EINVAL;
		*off = v->offset;
		return 0;
	}
	return -ENOENT;
}

static int set_config(struct ub_bpf_loop *loop, int ring_fd, const struct ub_chain_cfg *cfg,
		      char *err, size_t errlen)
{
	struct bpf_map *ops_map = bpf_object__find_map_by_name(loop->obj, UB_LOOP_MAP);
	struct bpf_map *ro = bpf_object__find_map_by_name(loop->obj, ".rodata");
	struct ub_loop_ops_image *ops;
	size_t sz, off = 0;
	char *rodata;
	int ret;

	ops = bpf_map__initial_value(ops_map, &sz);
	if (!ops || sz < sizeof(*ops)) {
		snprintf(err, errlen, "bpf_chain=1: this libbpf cannot set the struct_ops map's "
			 "ring_fd before load (it needs libbpf 1.4 or newer with "
			 "SEC(\".struct_ops.link\") support)");
		return -EOPNOTSUPP;
	}
	ops->ring_fd = ring_fd;

	rodata = bpf_map__initial_value(ro, &sz);
	ret = rodata_var(loop->obj, UB_LOOP_CFG, sizeof(*cfg), &off);
	if (!rodata || ret || off + sizeof(*cfg) > sz) {
		snprintf(err, errlen, "bpf_chain=1: the BPF object (%s) has no const volatile "
			 "struct ub_chain_cfg %s of this engine's size: was it built from another "
			 "bpf/chain.h?", loop->name, UB_LOOP_CFG);
		return ret ? ret : -EINVAL;
	}
	memcpy(rodata + off, cfg, sizeof(*cfg));
	return 0;
}

int ub_bpf_loop_attach(struct ub_bpf_loop *loop, int ring_fd, const struct ub_chain_cfg *cfg,
		       char *err, size_t errlen)
{
	int ret;

	ret = set_config(loop, ring_fd, cfg, err, errlen);
	if (ret)
		return ret;
	ret = bpf_object__load(loop->obj);
	if (ret) {
		char why[128];

		libbpf_strerror(ret, why, sizeof(why));
		snprintf(err, errlen, "bpf_chain=1: the kernel refused to load the io_uring BPF "
			 "loop program (%s): %s (libbpf's and the verifier's messages follow)",
			 loop->name, why);
		return ret;
	}
	loop->link = bpf_map__attach_struct_ops(bpf_object__find_map_by_name(loop->obj, UB_LOOP_MAP));
	if (!loop->link) {
		ret = errno ? -errno : -EINVAL;
		if (ret == -EOPNOTSUPP)
			snprintf(err, errlen, "bpf_chain=1: the kernel refused to attach the io_uring "
				 "BPF loop to this ring: %s (EOPNOTSUPP); the loop needs a ring with "
				 "DEFER_TASKRUN|SINGLE_ISSUER and without SQPOLL or IOPOLL: use "
				 "sqthread_poll=0 hipri=0 defer_taskrun=auto", strerror(-ret));
		else if (ret == -EBUSY)
			snprintf(err, errlen, "bpf_chain=1: the ring already has an io_uring BPF loop "
				 "attached (EBUSY)");
		else
			snprintf(err, errlen, "bpf_chain=1: the kernel refused to attach the io_uring "
				 "BPF loop to the ring: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

void ub_bpf_loop_destroy(struct ub_bpf_loop *loop)
{
	if (!loop)
		return;
	bpf_link__destroy(loop->link);
	bpf_object__close(loop->obj);
	free(loop);
}
