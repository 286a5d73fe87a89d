using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansJobs.Callbacks;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Callbacks;

[Trait("Kind", "Unit")]
public sealed class CallbackOptionsTests
{
    private const string Secret = "whsec_0123456789abcdef0123456789abcdef";
    private const string Previous = "whsec_fedcba9876543210fedcba9876543210";

    [Fact]
    public void Callback_settings_are_read_from_their_section()
    {
        var options = Read(("SigningSecret", Secret), ("PreviousSigningSecret", Previous), ("MaxAttempts", "3"), ("Timeout", "00:00:02"), ("InitialDelay", "00:00:05"), ("MaxDelay", "00:01:00"));

        Assert.Equal([Secret, Previous], options.ActiveSecrets);
        Assert.Equal(3, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.Equal(new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(1), Multiplier = 2, Jitter = true }, options.Backoff);
    }

    [Fact]
    public void Without_settings_callbacks_are_unsigned_with_ten_deliveries_of_ten_seconds_at_most()
    {
        var options = Read();

        Assert.Empty(options.ActiveSecrets);
        Assert.Equal(10, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
    }

    [Theory]
    [InlineData("MaxAttempts", "0")]
    [InlineData("Timeout", "00:00:00")]
    [InlineData("Timeout", "01:00:00")]
    [InlineData("MaxDelay", "2.00:00:00")]
    [InlineData("SigningSecret", "whsec_short")]
    [InlineData("SigningSecret", "0123456789abcdef0123456789abcde")]
    [InlineData("PreviousSigningSecret", Previous)]
    public void Out_of_range_settings_are_refused_at_start(string key, string value) =>
        Assert.Throws<OptionsValidationException>(() => Read((key, value)));

    [Fact]
    public void A_short_previous_secret_is_refused_too() =>
        Assert.Contains("PreviousSigningSecret", Assert.Throws<OptionsValidationException>(() => Read(("SigningSecret", Secret), ("PreviousSigningSecret", "old"))).Message);

    private static CallbackOptions Read(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"{CallbackOptions.SectionName}:{s.Key}", (string?)s.Value)))
            .Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddCompletionCallbacks().BuildServiceProvider();
        return services.GetRequiredService<IOptions<CallbackOptions>>().Value;
    }
}
