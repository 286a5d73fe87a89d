using Microsoft.Extensions.Options;

namespace OrleansJobs.Retention;

/// <summary>Fails the start when an age of <see cref="RetentionOptions"/> is neither a positive duration nor <c>infinite</c>.</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var errors = new List<string>();
        foreach (var (key, value) in new[] { (nameof(options.Succeeded), options.Succeeded), (nameof(options.Failed), options.Failed), (nameof(options.Cancelled), options.Cancelled) })
        {
            if (!RetentionAge.TryParse(value, out _))
                errors.Add($"{RetentionOptions.Section}:{key} is '{value}': write a positive duration (7d, PT12H, 2.00:00:00) or '{RetentionOptions.Infinite}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
