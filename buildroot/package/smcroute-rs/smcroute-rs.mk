################################################################################
#
# smcroute-rs
#
################################################################################

SMCROUTE_RS_VERSION = 0.1.0
SMCROUTE_RS_SITE = $(call github,smcroute-rs,smcroute-rs,v$(SMCROUTE_RS_VERSION))
SMCROUTE_RS_LICENSE = GPL-2.0-or-later
SMCROUTE_RS_LICENSE_FILES = COPYING

# Table capacities are compile-time constants of the programs.
SMCROUTE_RS_CARGO_ENV = \
	SMCROUTE_MAX_RULES=$(BR2_PACKAGE_SMCROUTE_RS_MAX_RULES) \
	SMCROUTE_MAX_KERNEL_ROUTES=$(BR2_PACKAGE_SMCROUTE_RS_MAX_KERNEL_ROUTES)

# The build step has already built the programs for the target: install them
# where SMCRoute puts them (cargo install would use /usr/bin). smcrouted is a
# multicall program that runs as the control tool when called smcroutectl, so
# smcroutectl is a link to it: one file instead of two that carry the same code.
SMCROUTE_RS_BIN_DIR = $(@D)/target/$(RUSTC_TARGET_NAME)/$(if $(BR2_ENABLE_DEBUG),debug,release)

define SMCROUTE_RS_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0755 $(SMCROUTE_RS_BIN_DIR)/smcrouted \
		$(TARGET_DIR)/usr/sbin/smcrouted
	ln -sf smcrouted $(TARGET_DIR)/usr/sbin/smcroutectl
	$(INSTALL) -D -m 0644 $(@D)/doc/smcroute.conf \
		$(TARGET_DIR)/etc/smcroute.conf
	$(INSTALL) -D -m 0644 $(@D)/doc/smcroute.conf.5 \
		$(TARGET_DIR)/usr/share/man/man5/smcroute.conf.5
	$(INSTALL) -D -m 0644 $(@D)/doc/smcrouted.8 \
		$(TARGET_DIR)/usr/share/man/man8/smcrouted.8
	$(INSTALL) -D -m 0644 $(@D)/doc/smcroutectl.8 \
		$(TARGET_DIR)/usr/share/man/man8/smcroutectl.8
endef

define SMCROUTE_RS_INSTALL_INIT_SYSV
	$(INSTALL) -D -m 0755 $(SMCROUTE_RS_PKGDIR)/S41smcroute \
		$(TARGET_DIR)/etc/init.d/S41smcroute
endef

define SMCROUTE_RS_INSTALL_INIT_SYSTEMD
	$(INSTALL) -D -m 0644 $(SMCROUTE_RS_PKGDIR)/smcroute.service \
		$(TARGET_DIR)/usr/lib/systemd/system/smcroute.service
endef

define SMCROUTE_RS_LINUX_CONFIG_FIXUPS
	$(call KCONFIG_ENABLE_OPT,CONFIG_IP_MULTICAST)
	$(call KCONFIG_ENABLE_OPT,CONFIG_IP_MROUTE)
	$(call KCONFIG_ENABLE_OPT,CONFIG_IP_PIMSM_V1)
	$(call KCONFIG_ENABLE_OPT,CONFIG_IP_PIMSM_V2)
	$(call KCONFIG_ENABLE_OPT,CONFIG_IPV6_MROUTE)
endef

$(eval $(cargo-package))
