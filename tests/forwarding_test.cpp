// Forwarding without sockets: the open and global-request data as the
// client sends them (malformed, truncated, oversize, trailing bytes), and
// the policy over the grant's lists, GatewayPorts and low ports.
#include <gtest/gtest.h>

#include "postauth/forwarding_messages.h"
#include "postauth/forwarding_policy.h"
#include "wire/writer.h"

namespace lpsshd::postauth {
namespace {

std::vector<uint8_t> direct(std::string_view host, uint32_t port) {
  wire::Writer w;
  w.string(host).u32(port).string("127.0.0.1").u32(40000);
  return w.bytes();
}

TEST(ForwardingMessages, DirectTcpip) {
  DirectTcpip d;
  ASSERT_TRUE(parse_direct_tcpip(direct("db.example", 5432), d));
  EXPECT_EQ(d.host, "db.example");
  EXPECT_EQ(d.port, 5432u);
  EXPECT_EQ(d.origin, "127.0.0.1");
  EXPECT_EQ(d.origin_port, 40000u);
  auto b = direct("db", 1);
  b.push_back(0);
  EXPECT_FALSE(parse_direct_tcpip(b, d)) << "trailing byte";
  b = direct("db", 1);
  b.pop_back();
  EXPECT_FALSE(parse_direct_tcpip(b, d)) << "truncated";
  EXPECT_FALSE(parse_direct_tcpip(direct(std::string("db\0x", 4), 1), d)) << "NUL in host";
  EXPECT_FALSE(parse_direct_tcpip(direct(std::string(kMaxForwardHost + 1, 'a'), 1), d)) << "oversize";
  EXPECT_FALSE(parse_direct_tcpip({}, d));
}

TEST(ForwardingMessages, StreamlocalBothForms) {
  std::string path;
  wire::Writer w;
  w.string("/run/x.sock").string("").u32(0);
  EXPECT_TRUE(parse_direct_streamlocal(w.bytes(), path));
  EXPECT_EQ(path, "/run/x.sock");
  wire::Writer old;  // OpenSSH before 8.0: no trailing uint32
  old.string("/run/x.sock").string("");
  EXPECT_TRUE(parse_direct_streamlocal(old.bytes(), path));
  wire::Writer longer;
  longer.string(std::string(kMaxSocketPath + 1, 'a')).string("").u32(0);
  EXPECT_FALSE(parse_direct_streamlocal(longer.bytes(), path)) << "longer than sun_path";
  wire::Writer empty;
  empty.string("");
  EXPECT_FALSE(parse_streamlocal_forward(empty.bytes(), path)) << "empty path";
  wire::Writer fwd;
  fwd.string("/home/u/s");
  EXPECT_TRUE(parse_streamlocal_forward(fwd.bytes(), path));
  fwd.u8(0);
  EXPECT_FALSE(parse_streamlocal_forward(fwd.bytes(), path)) << "trailing byte";
}

TEST(ForwardingMessages, TcpipForwardAndReplies) {
  wire::Writer w;
  w.string("").u32(0);
  TcpipForward f;
  ASSERT_TRUE(parse_tcpip_forward(w.bytes(), f));
  EXPECT_EQ(f.address, "");
  EXPECT_EQ(f.port, 0u);
  EXPECT_EQ(allocated_port_reply(40001), (std::vector<uint8_t>{0, 0, 0x9c, 0x41}));
  DirectTcpip d;  // forwarded-tcpip has direct-tcpip's layout
  ASSERT_TRUE(parse_direct_tcpip(forwarded_tcpip_data("localhost", 8080, "10.0.0.1", 5555), d));
  EXPECT_EQ(d.host, "localhost");
  EXPECT_EQ(d.origin_port, 5555u);
}

TEST(ForwardingPolicy, OpenLists) {
  EXPECT_TRUE(open_permitted({}, "anything", 1)) << "empty: not restricted";
  EXPECT_TRUE(open_permitted({"any"}, "anything", 1));
  EXPECT_FALSE(open_permitted({"none"}, "localhost", 22));
  const std::vector<std::string> l = {"db:5432", "[::1]:22", "*:80", "cache:*"};
  EXPECT_TRUE(open_permitted(l, "db", 5432));
  EXPECT_TRUE(open_permitted(l, "DB", 5432)) << "host names compare case-insensitively";
  EXPECT_FALSE(open_permitted(l, "db", 5433));
  EXPECT_FALSE(open_permitted(l, "db.evil", 5432));
  EXPECT_TRUE(open_permitted(l, "::1", 22));
  EXPECT_TRUE(open_permitted(l, "anyhost", 80));
  EXPECT_TRUE(open_permitted(l, "cache", 6379));
  EXPECT_FALSE(open_permitted({"localhost:22"}, "127.0.0.1", 22)) << "no name resolution";
}

TEST(ForwardingPolicy, ListenLists) {
  EXPECT_TRUE(listen_permitted({}, "", 0));
  EXPECT_FALSE(listen_permitted({"none"}, "localhost", 8080));
  EXPECT_TRUE(listen_permitted({"8080"}, "localhost", 8080)) << "bare port: loopback";
  EXPECT_FALSE(listen_permitted({"8080"}, "", 8080)) << "bare port is not every address";
  EXPECT_FALSE(listen_permitted({"8080"}, "localhost", 8081));
  EXPECT_FALSE(listen_permitted({"8080"}, "localhost", 0)) << "port 0 needs a * entry";
  EXPECT_TRUE(listen_permitted({"localhost:*"}, "localhost", 0));
  EXPECT_TRUE(listen_permitted({"*:8080"}, "0.0.0.0", 8080));
  EXPECT_TRUE(listen_permitted({"*:8080"}, "", 8080));
  EXPECT_TRUE(listen_permitted({"10.0.*:9000"}, "10.0.3.4", 9000));
}

TEST(ForwardingPolicy, GatewayPortsAndLowPorts) {
  EXPECT_FALSE(bind_target(GatewayPorts::kNo, "0.0.0.0").wildcard);
  EXPECT_EQ(bind_target(GatewayPorts::kNo, "192.0.2.1").host, "") << "loopback whatever asked";
  EXPECT_TRUE(bind_target(GatewayPorts::kYes, "localhost").wildcard);
  EXPECT_TRUE(bind_target(GatewayPorts::kClientSpecified, "").wildcard);
  EXPECT_TRUE(bind_target(GatewayPorts::kClientSpecified, "*").wildcard);
  EXPECT_EQ(bind_target(GatewayPorts::kClientSpecified, "localhost").host, "");
  EXPECT_EQ(bind_target(GatewayPorts::kClientSpecified, "192.0.2.1").host, "192.0.2.1");
  EXPECT_TRUE(privileged_port_refused(1023, 1000));
  EXPECT_TRUE(privileged_port_refused(22, 1000));
  EXPECT_FALSE(privileged_port_refused(1024, 1000));
  EXPECT_FALSE(privileged_port_refused(0, 1000)) << "0: the kernel picks an unprivileged port";
  EXPECT_FALSE(privileged_port_refused(22, 0));
}

}  // namespace
}  // namespace lpsshd::postauth
