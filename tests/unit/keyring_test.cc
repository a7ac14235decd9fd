#include "emulator/stackit/keyring.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"
#include "tests/support/test_keys.h"

namespace mpemu::stackit {
namespace {

using ::mpemu::testing::StatusIs;
using ::mpemu::testing::TestKey;
using ::mpemu::testing::TestKeySource;
using json = nlohmann::json;

constexpr int64_t kNow = 1795548859123;

class KeyRingTest : public ::testing::Test {
 protected:
  std::unique_ptr<KeyRing> NewRing(bool needs_signer = true) {
    return std::make_unique<KeyRing>("test.key", store_.get(), &keys_, &clock_, &ids_, needs_signer);
  }

  std::unique_ptr<store::Store> store_ = store::NewMemoryStore();
  TestKeySource keys_;
  ManualClock clock_{kNow};
  SeededIdGenerator ids_{5};
};

TEST_F(KeyRingTest, NothingSignsBeforeLoad) {
  auto ring = NewRing();
  EXPECT_THAT(ring->Signing(), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(ring->KeysJsonBody(), "");
}

TEST_F(KeyRingTest, LoadCreatesAPersistedSigningKey) {
  auto ring = NewRing();
  ASSERT_OK(ring->Load());
  StatusOr<SigningKey> signing = ring->Signing();
  ASSERT_OK(signing);
  EXPECT_TRUE(IsCanonicalUuid(signing->kid));
  EXPECT_TRUE(signing->published);
  EXPECT_TRUE(signing->signing);
  EXPECT_EQ(signing->created_at, kNow);
  EXPECT_EQ(signing->key.PublicPem(), TestKey(1).PublicPem());
  EXPECT_EQ(*store_->Count("test.key"), 1);
  StatusOr<store::Record> stored = store_->Get("test.key", signing->kid);
  ASSERT_OK(stored);
  const json body = json::parse(stored->body);
  EXPECT_EQ(body["kid"], signing->kid);
  EXPECT_EQ(body["signing"], true);
  EXPECT_NE(body["privateKeyPem"].get<std::string>().find("PRIVATE KEY"), std::string::npos);
}

TEST_F(KeyRingTest, RingsWithoutASignerStartEmpty) {
  auto ring = NewRing(/*needs_signer=*/false);
  ASSERT_OK(ring->Load());
  EXPECT_TRUE(ring->All().empty());
  EXPECT_EQ(ring->KeysJsonBody(), "{}");
  EXPECT_EQ(json::parse(ring->JwksBody()), json({{"keys", json::array()}}));
  ASSERT_OK(ring->Reset());
  EXPECT_TRUE(ring->All().empty());
}

TEST_F(KeyRingTest, ASecondRingOnTheSameStoreSeesTheSameKeys) {
  auto first = NewRing();
  ASSERT_OK(first->Load());
  ASSERT_OK(first->Rotate(false));
  auto second = NewRing();
  ASSERT_OK(second->Load());
  ASSERT_EQ(second->All().size(), 2u);
  EXPECT_EQ(second->Signing()->kid, first->Signing()->kid);
  EXPECT_EQ(second->KeysJsonBody(), first->KeysJsonBody());
  EXPECT_EQ(second->Signing()->key.PublicPem(), first->Signing()->key.PublicPem());
}

TEST_F(KeyRingTest, RotateKeepsThePreviousKeyPublished) {
  auto ring = NewRing();
  ASSERT_OK(ring->Load());
  const std::string old_kid = ring->Signing()->kid;
  StatusOr<SigningKey> added = ring->Rotate(/*unpublish_previous=*/false);
  ASSERT_OK(added);
  EXPECT_NE(added->kid, old_kid);
  EXPECT_EQ(ring->Signing()->kid, added->kid);
  EXPECT_FALSE(ring->Find(old_kid)->signing);
  const json keys = json::parse(ring->KeysJsonBody());
  EXPECT_TRUE(keys.contains(old_kid));
  EXPECT_TRUE(keys.contains(added->kid));
  // The demotion is persisted too.
  EXPECT_EQ(json::parse(store_->Get("test.key", old_kid)->body)["signing"], false);
}

TEST_F(KeyRingTest, RotateCanRetireThePreviousKeys) {
  auto ring = NewRing();
  ASSERT_OK(ring->Load());
  const std::string old_kid = ring->Signing()->kid;
  StatusOr<SigningKey> added = ring->Rotate(/*unpublish_previous=*/true);
  ASSERT_OK(added);
  const json keys = json::parse(ring->KeysJsonBody());
  EXPECT_FALSE(keys.contains(old_kid));
  EXPECT_TRUE(keys.contains(added->kid));
  // Still held: tokens signed before the rotation stay verifiable inside the emulator.
  StatusOr<SigningKey> old = ring->Find(old_kid);
  ASSERT_OK(old);
  EXPECT_FALSE(old->published);
  EXPECT_EQ(json::parse(store_->Get("test.key", old_kid)->body)["published"], false);
}

TEST_F(KeyRingTest, KeysJsonMapsKidToPemAndJwksHasTheSameKeys) {
  auto ring = NewRing();
  ASSERT_OK(ring->Load());
  ASSERT_OK(ring->Add("extra-kid", /*published=*/true, /*signing=*/false));
  ASSERT_OK(ring->Add("hidden-kid", /*published=*/false, /*signing=*/false));
  const json keys = json::parse(ring->KeysJsonBody());
  ASSERT_TRUE(keys.is_object());
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_FALSE(keys.contains("hidden-kid"));
  EXPECT_EQ(keys["extra-kid"], ring->Find("extra-kid")->key.PublicPem());
  for (const auto& [kid, pem] : keys.items()) {
    EXPECT_EQ(pem.get<std::string>().rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u) << kid;
  }
  const json jwks = json::parse(ring->JwksBody());
  ASSERT_EQ(jwks["keys"].size(), 2u);
  for (const json& jwk : jwks["keys"]) {
    EXPECT_EQ(jwk["kty"], "RSA");
    EXPECT_EQ(jwk["alg"], "RS256");
    const std::string kid = jwk["kid"];
    ASSERT_TRUE(keys.contains(kid));
    StatusOr<crypto::RsaKey> from_jwk = crypto::RsaKey::FromJwk(jwk);
    ASSERT_OK(from_jwk);
    EXPECT_EQ(from_jwk->PublicPem(), keys[kid].get<std::string>());
  }
  // The signer did not change.
  EXPECT_NE(ring->Signing()->kid, "extra-kid");
}

TEST_F(KeyRingTest, AddingASigningKeyDemotesTheOldOne) {
  auto ring = NewRing();
  ASSERT_OK(ring->Load());
  ASSERT_OK(ring->Add("scenario-kid", true, /*signing=*/true));
  EXPECT_EQ(ring->Signing()->kid, "scenario-kid");
  int signers = 0;
  for (const SigningKey& k : ring->All()) signers += k.signing ? 1 : 0;
  EXPECT_EQ(signers, 1);
}

TEST_F(KeyRingTest, PublishAndErrors) {
  auto ring = NewRing();
  ASSERT_OK(ring->Load());
  const std::string kid = ring->Signing()->kid;
  ASSERT_OK(ring->SetPublished(kid, false));
  EXPECT_EQ(ring->KeysJsonBody(), "{}");
  ASSERT_OK(ring->SetPublished(kid, true));
  EXPECT_TRUE(json::parse(ring->KeysJsonBody()).contains(kid));
  EXPECT_THAT(ring->SetPublished("nope", true), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(ring->Find("nope"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(ring->Add(kid, true, false), StatusIs(StatusCode::kAlreadyExists));
}

TEST_F(KeyRingTest, ResetReplacesEveryKey) {
  auto ring = NewRing();
  ASSERT_OK(ring->Load());
  ASSERT_OK(ring->Rotate(false));
  const std::string before = ring->Signing()->kid;
  ASSERT_OK(ring->Reset());
  ASSERT_EQ(ring->All().size(), 1u);
  EXPECT_NE(ring->Signing()->kid, before);
  EXPECT_EQ(*store_->Count("test.key"), 1);
  EXPECT_THAT(ring->Find(before), StatusIs(StatusCode::kNotFound));
}

TEST_F(KeyRingTest, LoadRejectsUnreadableRecords) {
  ASSERT_OK(store_->Insert({"test.key", "broken", "", 0, "{\"kid\": \"broken\"}"}).status());
  auto ring = NewRing();
  EXPECT_THAT(ring->Load(), StatusIs(StatusCode::kInternal));
}

}  // namespace
}  // namespace mpemu::stackit
