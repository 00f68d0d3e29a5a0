/* From the boot code to main(): console, descriptors, memory, paging, APIC, CPUs. */
#include "hvtest.h"
#include "console.h"
#include "boot.h"

extern char __load_start[], __image_end[];
void percpu_init_bsp(void);
void hv_start_bsp(void);

void hv_start_bsp(void)
{
	const struct multiboot_info *mbi = boot_multiboot_info();
	struct mem_region map[32];

	percpu_init_bsp();
	console_init();
	desc_setup_bsp();
	if (boot_mb_magic != MB_LOADER_MAGIC) {
		report(false, "boot: not started by a multiboot loader: EAX=%#x, expected %#x",
		       boot_mb_magic, MB_LOADER_MAGIC);
		hv_exit();
	}
	args_parse(mbi->flags & MBI_FLAG_CMDLINE ? (const char *)(uint64_t)mbi->cmdline : "");
	unsigned n = mem_boot_map(map, ARRAY_SIZE(map));
	mem_init(map, n, (uint64_t)__load_start, (uint64_t)__image_end);
	paging_setup();
	pic_disable();
	apic_setup();
	tsc_calibrate();
	smp_init();
	char args[512] = "";
	for (int i = 1, n = 0; i < hv_argc && n < (int)sizeof(args); i++)
		n += snprintf(args + n, sizeof(args) - n, "%s%s", i > 1 ? " " : "", hv_argv[i]);
	printf("HVTEST-START: %s cpus=%u env=%s args=%s\n", hv_program_name(), nr_cpus, hv_env_name(), args);
	boot_milestone(MILESTONE_MAIN);
	main(hv_argc, hv_argv);
	hv_exit();
}
