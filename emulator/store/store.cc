#include "emulator/store/store.h"

namespace mpemu::store {

Status ForEachRecord(Store& store, const std::string& kind, const std::optional<std::string>& partition,
                     const std::function<Status(const Record&)>& visit) {
  ListQuery query;
  query.kind = kind;
  query.partition = partition;
  query.limit = 500;
  for (;;) {
    MPEMU_ASSIGN_OR_RETURN(ListPage page, store.List(query));
    for (const Record& r : page.records) {
      query.after_seq = r.seq;
      MPEMU_RETURN_IF_ERROR(visit(r));
    }
    if (!page.more) return Status::Ok();
  }
}

}  // namespace mpemu::store
