using OrleansJobs.Callbacks;

namespace OrleansJobs.Tests.Grains.Callbacks;

[Trait("Kind", "Unit")]
public sealed class CallbackSignatureTests
{
    private const string Secret = "whsec_test";
    private const string Body = """{"id":"job-1","status":"Succeeded"}""";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Computed apart from this code: <c>printf '1700000000.{"id":"job-1","status":"Succeeded"}' | openssl dgst -sha256 -hmac whsec_test</c>.</summary>
    private const string KnownHeader = "t=1700000000,v1=c6f86bedc3bafec5995d5827423e82cb0790758e96619c69c06eeb4806621265";

    [Fact]
    public void Signature_is_the_hmac_sha256_of_the_time_and_the_body() =>
        Assert.Equal(KnownHeader, CallbackSignature.Create(Secret, SignedAt, Body));

    [Fact]
    public void Signature_verifies_with_the_secret_within_the_tolerance()
    {
        Assert.True(CallbackSignature.Verify(Secret, KnownHeader, Body, Tolerance, SignedAt.AddMinutes(4)));
        Assert.True(CallbackSignature.Verify(Secret, KnownHeader, Body, Tolerance, SignedAt.AddMinutes(-4)));
    }

    [Fact]
    public void Signature_fails_with_another_secret_an_altered_body_or_an_altered_time()
    {
        Assert.False(CallbackSignature.Verify("whsec_other", KnownHeader, Body, Tolerance, SignedAt));
        Assert.False(CallbackSignature.Verify(Secret, KnownHeader, Body.Replace("Succeeded", "Failed"), Tolerance, SignedAt));
        Assert.False(CallbackSignature.Verify(Secret, KnownHeader.Replace("t=1700000000", "t=1700000001"), Body, Tolerance, SignedAt));
    }

    [Fact]
    public void Signature_older_than_the_tolerance_is_refused_as_a_replay() =>
        Assert.False(CallbackSignature.Verify(Secret, KnownHeader, Body, Tolerance, SignedAt.AddMinutes(6)));

    [Fact]
    public void Any_one_of_several_signatures_may_match() =>
        Assert.True(CallbackSignature.Verify(Secret, $"t=1700000000,v1={new string('0', 64)},{KnownHeader.Split(',')[1]}", Body, Tolerance, SignedAt));

    [Fact]
    public void While_a_secret_is_rotated_the_header_signs_with_both_and_either_verifies()
    {
        const string previous = "whsec_the-secret-being-rotated-out-0000";
        var header = CallbackSignature.Create([Secret, previous], SignedAt, Body);

        Assert.Equal(2, header.Split(',').Count(part => part.StartsWith("v1=", StringComparison.Ordinal)));
        Assert.StartsWith(CallbackSignature.Create(Secret, SignedAt, Body), header, StringComparison.Ordinal);
        Assert.True(CallbackSignature.Verify(Secret, header, Body, Tolerance, SignedAt));
        Assert.True(CallbackSignature.Verify(previous, header, Body, Tolerance, SignedAt));
        Assert.False(CallbackSignature.Verify("whsec_a-third-secret-that-signs-nothing-00", header, Body, Tolerance, SignedAt));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=c6f86bedc3bafec5995d5827423e82cb0790758e96619c69c06eeb4806621265")]
    [InlineData("t=1700000000")]
    [InlineData("t=soon,v1=c6f86bedc3bafec5995d5827423e82cb0790758e96619c69c06eeb4806621265")]
    [InlineData("t=1700000000,v1=c6f86bed")]
    [InlineData("t=1700000000,v1=zzf86bedc3bafec5995d5827423e82cb0790758e96619c69c06eeb4806621265")]
    [InlineData("t=99999999999999999999,v1=c6f86bedc3bafec5995d5827423e82cb0790758e96619c69c06eeb4806621265")]
    public void Malformed_header_does_not_verify(string? header) =>
        Assert.False(CallbackSignature.Verify(Secret, header, Body, Tolerance, SignedAt));

    [Fact]
    public void Empty_secret_verifies_nothing() =>
        Assert.False(CallbackSignature.Verify("", CallbackSignature.Create("", SignedAt, Body), Body, Tolerance, SignedAt));
}
