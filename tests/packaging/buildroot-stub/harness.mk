# Stand-in for the parts of Buildroot's make infrastructure that a cargo
# package .mk uses, written for our checks. It includes the external tree's
# external.mk as Buildroot does, and $(eval $(cargo-package)) defines targets
# that run the package's own commands:
#   install   the _INSTALL_TARGET_CMDS, _INSTALL_INIT_SYSV and
#             _INSTALL_INIT_SYSTEMD of every package into $(TARGET_DIR),
#             from the source tree $(BUILD_DIR)/<name>-<version> (its $(@D))
#   fixups    the _LINUX_CONFIG_FIXUPS, one "CONFIG_X=y" line per option
#   info      VERSION, SITE, LICENSE, LICENSE_FILES, CARGO_ENV of each package
# Usage: make -f harness.mk BR2_EXTERNAL_SMCROUTE_RS_PATH=... BUILD_DIR=...
#        TARGET_DIR=... [BR2_...=...] install|fixups|info

INSTALL:=install
RUSTC_TARGET_NAME:=x86_64-unknown-linux-gnu
github=https://github.com/$(1)/$(2)/archive/$(3)
KCONFIG_ENABLE_OPT=echo '$(1)=y'
UPPERCASE=$(shell echo '$(1)' | tr 'a-z-' 'A-Z_')

.PHONY: install fixups info
install:
fixups:
info:

# $(1): package name, $(2): its variable prefix, $(3): its directory
define stub-cargo-package
$(2)_PKGDIR:=$(3)
$(2)_SRCDIR=$$(BUILD_DIR)/$(1)-$$($(2)_VERSION)

install: $$(BUILD_DIR)/$(1)-$$($(2)_VERSION)/.stamp_target_installed
$$(BUILD_DIR)/$(1)-$$($(2)_VERSION)/.stamp_target_installed:
	$$($(2)_INSTALL_TARGET_CMDS)
	$$($(2)_INSTALL_INIT_SYSV)
	$$($(2)_INSTALL_INIT_SYSTEMD)

fixups: fixups-$(1)
fixups-$(1):
	$$($(2)_LINUX_CONFIG_FIXUPS)

info: info-$(1)
info-$(1):
	@:$$(foreach v,VERSION SITE LICENSE LICENSE_FILES CARGO_ENV,$$(info $(2)_$$(v)=$$(strip $$($(2)_$$(v)))))
endef

pkgdir=$(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
pkgname=$(notdir $(pkgdir))
cargo-package=$(call stub-cargo-package,$(pkgname),$(call UPPERCASE,$(pkgname)),$(pkgdir))

include $(BR2_EXTERNAL_SMCROUTE_RS_PATH)/external.mk
