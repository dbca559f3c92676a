/*	xcallsim: tests/fuzz/fuzz_env.c, one XCALLSIM_ variable	*/

/*
 * Copyright (c) 2026 The xcallsim developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The parser of XCS_FUZZ_VAR (XCALLSIM_WATCHDOG, _TRACE, _REPLAY or _MD,
 * one target each), as a program meets it: the input is the variable's
 * value, xcs_config_init reads it and the checks xcs_boot makes first
 * judge it.  A value rejected gets a message that names the variable
 * and quotes what was wrong; one accepted leaves the settings in range.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xcallsim.h"

#include "fuzz.h"

int	xcs_config_check(const struct xcs_config *);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xcs_config cfg;
	char *value;
	int error;

	if (memchr(data, '\0', size) != NULL)
		return (0);	/* no environment can hold it */
	value = xcs_fuzz_string(data, size);
	setenv(XCS_FUZZ_VAR, value, 1);
	xcs_config_init(&cfg);
	error = xcs_config_check(&cfg);
	if (error != 0) {
		xcs_fuzz_assert(error == EINVAL || error == ENOENT ||
		    error == EACCES, "an error other than EINVAL, ENOENT, "
		    "EACCES");
		xcs_fuzz_assert(strncmp(xcs_errstr(), "xcs_boot: ", 10) == 0,
		    "a rejection without the message");
	} else {
		xcs_fuzz_assert(cfg.xc_watchdog_ms <= 3600000,
		    "a watchdog timeout over an hour");
		xcs_fuzz_assert(cfg.xc_trace_events <= (1U << 20),
		    "more trace events than a ring holds");
		xcs_fuzz_assert(!cfg.xc_replay || (cfg.xc_replay_depth >= 1 &&
		    cfg.xc_replay_depth <= 16 && cfg.xc_replay_steps >= 1),
		    "a replay depth or step count out of range");
		xcs_fuzz_assert(cfg.xc_md == XCS_MD_AMD64 ||
		    cfg.xc_md == XCS_MD_AMD64_164, "an MD model out of range");
	}
	unsetenv(XCS_FUZZ_VAR);
	free(value);
	return (0);
}
