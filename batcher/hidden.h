/* Internal symbols of libbc and of the shim: hidden, so never exported
 * nor interposed (the shim's version script and libbc's exports name the
 * public API alone). */
#ifndef BC_HIDDEN_H
#define BC_HIDDEN_H

#define hidden __attribute__((__visibility__("hidden")))

#endif
