/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UB_ENGINE_OPTIONS_H
#define UB_ENGINE_OPTIONS_H

#include "optgroup.h"

extern struct fio_option ub_option_table[];

#endif
