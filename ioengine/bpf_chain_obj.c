// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled BPF loop program (build/chain.bpf.o), built into the
 * engine so that nothing has to be installed beside it.  bpf/build.mk
 * passes the object's path as UB_CHAIN_BPF_OBJ and makes this file depend
 * on it; bpf_loader.c opens it with bpf_object__open_mem().
 */
#ifndef UB_CHAIN_BPF_OBJ
#error "UB_CHAIN_BPF_OBJ (the path of chain.bpf.o) comes from bpf/build.mk"
#endif

__asm__(".pushsection .rodata.ub_chain_bpf_obj, \"a\"\n"
	".balign 16\n"
	".globl ub_chain_bpf_obj\n"
	".hidden ub_chain_bpf_obj\n"
	".type ub_chain_bpf_obj, @object\n"
	"ub_chain_bpf_obj:\n"
	".incbin \"" UB_CHAIN_BPF_OBJ "\"\n"
	".globl ub_chain_bpf_obj_end\n"
	".hidden ub_chain_bpf_obj_end\n"
	"ub_chain_bpf_obj_end:\n"
	".size ub_chain_bpf_obj, ub_chain_bpf_obj_end - ub_chain_bpf_obj\n"
	".popsection\n");
