// The monitor's own settings, taken from the effective configuration: what
// MonitorCore decides with, who may log in at all, and the syslog facility.
#pragma once

#include "config/config.h"
#include "monitor/monitor_core.h"
#include "monitor/system_auth.h"

namespace lpsshd::monitor {

Settings settings_from_config(const config::Config& cfg);

// AllowUsers/DenyUsers/AllowGroups/DenyGroups; /etc/nologin is checked here
// only without PAM (with PAM, pam_nologin does it).
AccessRules access_rules_from_config(const config::Config& cfg);

// The syslog LOG_* value for SyslogFacility.
int syslog_facility(config::SyslogFacility f);

}  // namespace lpsshd::monitor
