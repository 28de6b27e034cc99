// SSH message numbers (RFC 4250 4.1, RFC 8308, RFC 4256) and disconnect
// reason codes (RFC 4250 4.2.2).
#pragma once

#include <cstdint>

namespace lpsshd::ssh {

enum Msg : uint8_t {
  kDisconnect = 1,
  kIgnore = 2,
  kUnimplemented = 3,
  kDebug = 4,
  kServiceRequest = 5,
  kServiceAccept = 6,
  kExtInfo = 7,
  kKexInit = 20,
  kNewKeys = 21,
  kKexEcdhInit = 30,
  kKexEcdhReply = 31,
  kUserauthRequest = 50,
  kUserauthFailure = 51,
  kUserauthSuccess = 52,
  kUserauthBanner = 53,
  kUserauthPkOk = 60,  // also SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256)
  kUserauthInfoRequest = 60,
  kUserauthInfoResponse = 61,
  kGlobalRequest = 80,
  kRequestSuccess = 81,
  kRequestFailure = 82,
  kChannelOpen = 90,
  kChannelOpenConfirmation = 91,
  kChannelOpenFailure = 92,
  kChannelWindowAdjust = 93,
  kChannelData = 94,
  kChannelExtendedData = 95,
  kChannelEof = 96,
  kChannelClose = 97,
  kChannelRequest = 98,
  kChannelSuccess = 99,
  kChannelFailure = 100,
};

enum Disconnect : uint32_t {
  kHostNotAllowedToConnect = 1,
  kProtocolError = 2,
  kKeyExchangeFailed = 3,
  kMacError = 5,
  kServiceNotAvailable = 7,
  kProtocolVersionNotSupported = 8,
  kConnectionLost = 10,
  kByApplication = 11,
  kTooManyConnections = 12,
  kAuthCancelledByUser = 13,
  kNoMoreAuthMethodsAvailable = 14,
  kIllegalUserName = 15,
};

// Messages allowed during a key exchange (RFC 4253 7.1 and strict KEX):
// transport-generic 1..19 minus those strict KEX forbids, and 20..49.
inline bool is_kex_message(uint8_t t) { return t >= 20 && t <= 49; }

}  // namespace lpsshd::ssh
