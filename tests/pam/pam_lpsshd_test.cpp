// A PAM module for lpsshd's integration tests, built as a shared object and
// named by absolute path in a test-only /etc/pam.d service.
//   auth ... pam_lpsshd_test.so            asks two questions: "Favourite
//                                          colour: " (echoed) must be
//                                          answered "blue", "PIN: " (hidden)
//                                          "4242"; an info line comes first
//   auth ... pam_lpsshd_test.so hang       blocks forever (a stuck module)
//   auth ... pam_lpsshd_test.so say        pam_setcred sends an info
//                                          message through the conversation
//   auth ... pam_lpsshd_test.so setcred_fail
//                                          takes no part in authentication
//                                          (PAM_IGNORE); pam_setcred fails
//                                          (PAM_CRED_ERR)
//   session ... pam_lpsshd_test.so open_fail
//                                          pam_open_session fails
//                                          (PAM_SESSION_ERR)
//   account ... pam_lpsshd_test.so expired FILE
//                                          appends "acct USER" to FILE, says
//                                          "lpsshd test: account message"
//                                          and reports an expired password
//   password ... pam_lpsshd_test.so FILE   appends "chauthtok USER" to FILE
//                                          and asks "lpsshd test: new
//                                          token: " (any answer will do)
#include <security/pam_appl.h>
#include <security/pam_modules.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
void record(pam_handle_t* pamh, const char* file, const char* what) {
  const void* user = nullptr;
  if (pam_get_item(pamh, PAM_USER, &user) != PAM_SUCCESS || user == nullptr) user = "?";
  if (FILE* f = std::fopen(file, "a")) {
    std::fprintf(f, "%s %s\n", what, static_cast<const char*>(user));
    std::fclose(f);
  }
}

// One message through the application's conversation; *answer (if given)
// receives the reply, which the caller frees.
int say(pam_handle_t* pamh, int style, const char* text, char** answer) {
  const pam_conv* conv = nullptr;
  if (pam_get_item(pamh, PAM_CONV, reinterpret_cast<const void**>(&conv)) != PAM_SUCCESS || !conv)
    return PAM_CONV_ERR;
  pam_message m{style, text};
  const pam_message* msgs[] = {&m};
  pam_response* resp = nullptr;
  const int rc = conv->conv(1, msgs, &resp, conv->appdata_ptr);
  if (rc != PAM_SUCCESS) return rc;
  if (resp != nullptr) {
    if (answer != nullptr) *answer = resp[0].resp;
    else std::free(resp[0].resp);
    std::free(resp);
  }
  return PAM_SUCCESS;
}

int ask(pam_handle_t* pamh, bool& ok) {
  const pam_conv* conv = nullptr;
  if (pam_get_item(pamh, PAM_CONV, reinterpret_cast<const void**>(&conv)) != PAM_SUCCESS || !conv)
    return PAM_CONV_ERR;
  pam_message m0{PAM_TEXT_INFO, "lpsshd test: two questions follow"};
  pam_message m1{PAM_PROMPT_ECHO_ON, "Favourite colour: "};
  pam_message m2{PAM_PROMPT_ECHO_OFF, "PIN: "};
  const pam_message* msgs[] = {&m0, &m1, &m2};
  pam_response* resp = nullptr;
  const int rc = conv->conv(3, msgs, &resp, conv->appdata_ptr);
  if (rc != PAM_SUCCESS || resp == nullptr) return PAM_CONV_ERR;
  ok = resp[1].resp != nullptr && std::strcmp(resp[1].resp, "blue") == 0 &&
       resp[2].resp != nullptr && std::strcmp(resp[2].resp, "4242") == 0;
  for (int i = 0; i < 3; ++i) std::free(resp[i].resp);
  std::free(resp);
  return PAM_SUCCESS;
}

bool mode(int argc, const char** argv, const char* name) {
  return argc > 0 && std::strcmp(argv[0], name) == 0;
}
}  // namespace

extern "C" {

PAM_EXTERN int pam_sm_authenticate(pam_handle_t* pamh, int, int argc, const char** argv) {
  if (mode(argc, argv, "hang")) {
    for (;;) pause();
  }
  if (mode(argc, argv, "setcred_fail")) return PAM_IGNORE;
  bool ok = false;
  const int rc = ask(pamh, ok);
  if (rc != PAM_SUCCESS) return rc;
  return ok ? PAM_SUCCESS : PAM_AUTH_ERR;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t* pamh, int flags, int argc, const char** argv) {
  if (mode(argc, argv, "say"))
    say(pamh, PAM_TEXT_INFO, "lpsshd test: pam_setcred speaks", nullptr);
  // Only establishing fails: deleting at the end of a session must not.
  if (mode(argc, argv, "setcred_fail") && (flags & PAM_ESTABLISH_CRED) != 0) return PAM_CRED_ERR;
  return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t*, int, int argc, const char** argv) {
  return mode(argc, argv, "open_fail") ? PAM_SESSION_ERR : PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t*, int, int, const char**) { return PAM_SUCCESS; }
PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t* pamh, int, int argc, const char** argv) {
  if (argc < 2 || std::strcmp(argv[0], "expired") != 0) return PAM_SUCCESS;
  record(pamh, argv[1], "acct");
  say(pamh, PAM_TEXT_INFO, "lpsshd test: account message", nullptr);
  return PAM_NEW_AUTHTOK_REQD;
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t* pamh, int flags, int argc, const char** argv) {
  if ((flags & PAM_PRELIM_CHECK) != 0 || argc < 1) return PAM_SUCCESS;
  record(pamh, argv[0], "chauthtok");
  char* answer = nullptr;
  const int rc = say(pamh, PAM_PROMPT_ECHO_OFF, "lpsshd test: new token: ", &answer);
  std::free(answer);
  return rc;
}

}  // extern "C"
