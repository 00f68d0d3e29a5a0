# hvtest build.  `make` builds every test program as:
#   DIR/NAME.elf   64-bit ELF with symbols (gdb, addr2line)
#   DIR/NAME.flat  the same wrapped as elf32-i386 (QEMU's -kernel wants that)
#   DIR/NAME.bin   raw image from the load address (what the disk loader loads)
#   DIR/NAME.img   bootable raw disk image (Bochs; QEMU -drive)

-include config.mak

CFLAGS := -std=gnu11 -m64 -ffreestanding -fno-pic -fno-stack-protector \
	-fno-omit-frame-pointer -mno-red-zone -mno-sse -mno-mmx -mno-80387 \
	-mcmodel=small -fno-builtin -fno-strict-aliasing --param=min-pagesize=0 -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-I lib -I x86 -MMD -MP
ASFLAGS := -m64 -I lib -I x86 -MMD -MP -g
LDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments

lib-src := $(wildcard lib/*.c) $(wildcard lib/*.S)
lib-obj := $(patsubst %.S,%.o,$(lib-src:.c=.o))

# Each area lists its programs (and its own layer objects) in DIR/Makefile.inc:
#   progs-DIR := NAME ...        one program per DIR/NAME.c
#   layer-DIR := DIR/x.o ...     objects linked into every program of DIR
#   objs-NAME := DIR/y.o ...     further objects of program NAME alone
.DEFAULT_GOAL := all
include x86/Makefile.inc
include vmx/Makefile.inc
include svm/Makefile.inc

areas := x86 vmx svm
progs := $(foreach a,$(areas),$(addprefix $(a)/,$(progs-$(a))))
elfs := $(addsuffix .elf,$(progs))
outputs := $(elfs) $(elfs:.elf=.flat) $(elfs:.elf=.bin) $(elfs:.elf=.img)

all: $(outputs)

# Building needs config.mak; the set-up targets write it themselves.
setup-goals := deps run check bench standalone clean distclean
ifeq ($(wildcard config.mak),)
ifneq ($(filter-out $(setup-goals),$(or $(MAKECMDGOALS),all)),)
$(error config.mak missing: run ./configure (or make run / make check, which do it))
endif
endif

# Quiet build lines; V=1 prints the full commands.
ifneq ($(V),1)
quiet = @printf '  %-7s %s\n' $(1) $(2);
endif

lib/libhv.a: $(lib-obj)
	$(call quiet,AR,$@)rm -f $@ && ar rcs $@ $^

%.o: %.c config.mak
	$(call quiet,CC,$@)$(CC) $(CFLAGS) -c -o $@ $<
%.o: %.S config.mak
	$(call quiet,AS,$@)$(CC) $(ASFLAGS) -c -o $@ $<

.SECONDEXPANSION:
define program-rule
$(1)/%.elf: $(1)/%.o $$(layer-$(1)) $$$$(objs-$$$$*) x86/cstart64.o lib/libhv.a x86/hvtest.lds
	$$(call quiet,LD,$$@)$$(LD) $$(LDFLAGS) -T x86/hvtest.lds -o $$@ x86/cstart64.o $$< $$(layer-$(1)) $$(objs-$$*) lib/libhv.a
endef
$(foreach a,$(areas),$(eval $(call program-rule,$(a))))

%.flat: %.elf
	$(call quiet,OBJCOPY,$@)$(OBJCOPY) -O elf32-i386 $< $@
%.bin: %.elf
	$(call quiet,OBJCOPY,$@)$(OBJCOPY) -O binary $< $@

include x86/image.mk

.PRECIOUS: %.o %.elf %.bin

# The main job and the tests.  Both install what is missing and configure first.
deps:
	@scripts/install-deps.sh
	@[ -f config.mak ] || ./configure

run: deps
	@$(MAKE) --no-print-directory all
	./run_tests.sh

check: deps
	@$(MAKE) --no-print-directory all
	scripts/check.sh

bench: deps
	@$(MAKE) --no-print-directory all
	python3 scripts/bench.py

standalone: deps
	@$(MAKE) --no-print-directory all
	python3 scripts/standalone.py

clean:
	rm -f lib/libhv.a $(foreach a,$(areas) lib,$(a)/*.o $(a)/*.d $(a)/*.elf $(a)/*.flat $(a)/*.bin $(a)/*.img) x86/boot/*.o x86/boot/*.d x86/boot/*.bin x86/boot/*.elf
	rm -rf logs logs.old tests

distclean: clean
	rm -f config.mak

.PHONY: all deps run check bench standalone clean distclean

-include $(shell find lib x86 vmx svm -name '*.d' 2>/dev/null)
