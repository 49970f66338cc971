include $(sort $(wildcard $(BR2_EXTERNAL_SMCROUTE_RS_PATH)/package/*/*.mk))
