using Microsoft.Extensions.Configuration;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Tests.Server.Auth;

[Trait("Kind", "Unit")]
public sealed class ApiKeyStoreTests
{
    [Fact]
    public void A_key_accepted_for_now_is_found_until_withdrawn_and_never_counts_as_a_configured_key()
    {
        var store = new ApiKeyStore(new ConfigurationBuilder().Build());
        var secret = ApiKey.NewSecret();
        Assert.Null(store.Find(secret));

        var withdrawal = store.AcceptForNow(new ApiKey("orleansjobs:warm-up", ApiKey.Hash(secret), [JobScopes.Submit]));
        Assert.Equal("orleansjobs:warm-up", store.Find(secret)?.Name);
        Assert.Null(store.Find(secret + "x"));
        Assert.True(store.IsEmpty); // anonymous access is decided as if it did not exist

        withdrawal.Dispose();
        Assert.Null(store.Find(secret));
    }
}
