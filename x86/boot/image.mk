# The Bochs boots' files: the disk image (SeaBIOS, then our boot sector and
# loader: x86/boot/bootsect.S, x86/boot/mkimage.sh) and hvtest's own ROM
# (x86/boot/rom.S), which Bochs runs instead of SeaBIOS by default.
bootsect := $(O)/x86/boot/bootsect
rom := $(B)/bochs-rom.bin
# The same ROM built to boot a PVH Linux kernel: the l1-kvm backend's Bochs L1.
rom-pvh := $(B)/bochs-rom-pvh.bin
boot-headers := lib/boot.h x86/boot/loader.h

all: $(rom) $(rom-pvh)

$(bootsect).o: x86/boot/bootsect.S $(boot-headers) config.mak
	@mkdir -p $(dir $@)
	$(call quiet,AS,$@)$(CC) -m32 -I lib -c -o $@ $<

# Boot sector, command line placeholder and second stage, linked at 0x7c00.
$(bootsect).bin: $(bootsect).o
	$(call quiet,LD,$@)$(LD) -m elf_i386 -Ttext 0x7c00 -e _start --oformat binary -o $@ $<

$(B)/%.img: $(B)/%.bin $(bootsect).bin x86/boot/mkimage.sh
	$(call quiet,IMAGE,$@)sh x86/boot/mkimage.sh $(bootsect).bin $< $* $@

# The ROM: 64 KiB at the top of the 4 GiB space, its reset vector in the last 16 bytes.
$(O)/x86/boot/rom.o: x86/boot/rom.S $(boot-headers) config.mak
	@mkdir -p $(dir $@)
	$(call quiet,AS,$@)$(CC) -m32 -I lib -c -o $@ $<

$(O)/x86/boot/rom-pvh.o: x86/boot/rom.S $(boot-headers) config.mak
	@mkdir -p $(dir $@)
	$(call quiet,AS,$@)$(CC) -m32 -I lib -DROM_PVH -c -o $@ $<

$(rom) $(rom-pvh): $(B)/bochs-%.bin: $(O)/x86/boot/%.o
	$(call quiet,LD,$@)$(LD) -m elf_i386 -Ttext 0xffff0000 -e rom_start --oformat binary -o $@ $< && \
		[ "$$(wc -c < $@)" -eq 65536 ] || { rm -f $@; echo "$@: not 64 KiB" >&2; exit 1; }
