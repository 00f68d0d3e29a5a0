/* The console: COM1, or the debug port 0xE9 (console=e9). */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

void console_init(void);
/* From now on the console is port 0xE9, if it answers (true); else COM1 stays.
 * Called once, by the command line's console=e9, before the other CPUs start. */
bool console_use_e9(void);
/* Write n bytes as one unit (no other CPU's output in between). */
void console_write(const char *s, size_t n);
/* Before the exit: COM1's transmitter empty (LSR.TEMT); port 0xE9: no CPU in the middle of a write. */
void console_drain(void);
/* A boot milestone (lib/boot.h, MILESTONE_*) on the debug port, where there is one. */
void boot_milestone(unsigned char milestone);

#endif
