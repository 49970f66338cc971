# Stand-in for OpenWrt's include/package.mk, written for our checks.
#
# BuildPackage evaluates Package/<name> the way OpenWrt's metadata scan does
# and stops with an error when a required field is missing. It then defines
# targets to inspect the result:
#   dumpinfo             metadata of every package, one "Key: value" per line
#   install/<name>       runs Package/<name>/install into $(DESTDIR)
#   conffiles/<name>     prints Package/<name>/conffiles
#   config/<name>        prints the Kconfig text of Package/<name>/config

PKG_BUILD_DIR?=$(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
PKG_INSTALL_DIR?=$(PKG_BUILD_DIR)/ipkg-install

# Variables every feed package must set, and fields of Package/<name>.
PKG_REQUIRED_VARS:=PKG_NAME PKG_VERSION PKG_RELEASE PKG_LICENSE PKG_MAINTAINER \
	PKG_SOURCE PKG_SOURCE_URL PKG_HASH
PKG_FIELDS:=SECTION CATEGORY SUBMENU TITLE URL DEPENDS CONFLICTS PKGARCH
PKG_REQUIRED_FIELDS:=SECTION CATEGORY TITLE

define Package/Default
  SECTION:=
  CATEGORY:=
  SUBMENU:=
  TITLE:=
  URL:=
  DEPENDS:=
  CONFLICTS:=
  PKGARCH:=
endef

.PHONY: dumpinfo
dumpinfo:

define BuildPackage
$(eval $(Package/Default))
$(eval $(Package/$(1)))
$(foreach v,$(PKG_REQUIRED_VARS),$(if $(strip $($(v))),,$(error Makefile is missing $(v))))
$(foreach f,$(PKG_REQUIRED_FIELDS),$(if $(strip $($(f))),,$(error Package/$(1) is missing the $(f) field)))
$(if $(strip $(Package/$(1)/description)),,$(error Package/$(1) is missing the description))
$(if $(strip $(Package/$(1)/install)),,$(error Package/$(1) has no install recipe))
$(foreach f,$(PKG_FIELDS),$(eval PKGINFO/$(1)/$(f):=$(strip $($(f)))))

dumpinfo: dumpinfo/$(1)
dumpinfo/$(1):
	@:$$(info Package: $(1))$$(info Version: $$(PKG_VERSION)-r$$(PKG_RELEASE))$$(info License: $$(PKG_LICENSE))$$(info Maintainer: $$(PKG_MAINTAINER))$$(info Build-Depends: $$(PKG_BUILD_DEPENDS))$$(info RustBinPackage: $$(if $$(filter $(1),$$(RUST_BIN_PACKAGES)),yes,no))$$(foreach f,$$(PKG_FIELDS),$$(info $$(f): $$(PKGINFO/$(1)/$$(f))))$$(info )

install/$(1):
	$$(call Package/$(1)/install,$$(DESTDIR))

conffiles/$(1):
	@:$$(info $$(Package/$(1)/conffiles))

config/$(1):
	@:$$(info $$(Package/$(1)/config))
endef

# env/<VAR>: the value of VAR in the environment of build commands, where
# cargo would see it (nothing when it is not exported).
env/%:
	@printenv $* || true
