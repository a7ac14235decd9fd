// The servers `mpemu_bench` starts as child processes of itself (see servers.cc).
#ifndef MPEMU_BENCH_SERVERS_H_
#define MPEMU_BENCH_SERVERS_H_

#include <memory>
#include <string>

#include "emulator/crypto/rsa_key.h"

namespace mpemu::bench {

// Hands out DIR/test_key_1.pem .. test_key_6.pem in turn (as the tests' TestKeySource does), so
// the benchmark knows the private keys the emulator signs with.
std::unique_ptr<crypto::KeySource> NewFileKeySource(const std::string& dir);

// `mpemu_bench serve KEYS_DIR N [STATE_FILE]`
int ServeEmulator(const std::string& keys_dir, long subscriptions, const std::string& state_file,
                  bool proxy = false);
// `mpemu_bench serve-bare ROUTES_JSON`
int ServeBare(const std::string& routes_file);

}  // namespace mpemu::bench

#endif  // MPEMU_BENCH_SERVERS_H_
