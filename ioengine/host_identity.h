/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UB_HOST_IDENTITY_H
#define UB_HOST_IDENTITY_H

struct thread_data;

/* The prefix of a job description that host_identity=1 wrote. */
#define UB_IDENTITY_PREFIX "uringbpf-identity "

void ub_host_identity(struct thread_data *td);

#endif
