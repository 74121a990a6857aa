using Verge.Orleans.Gateway.Upstreams;
using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>What makes a model or an assistant valid, field by field (the admin API's 400s and the console's field errors).</summary>
internal static class CatalogRules
{
    public static Dictionary<string, string[]> Validate(ModelSpec model)
    {
        var errors = new Dictionary<string, string[]>();
        Check(errors, "name", !string.IsNullOrWhiteSpace(model.Name), "A model needs a name.");
        Check(errors, "path", !string.IsNullOrWhiteSpace(model.Path) || model.Url is not null, "A model needs the path of its GGUF file, or a url to download it from.");
        Check(errors, "url", model.Url is null || (Uri.TryCreate(model.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"), "The url must be an absolute http(s) address.");
        Check(errors, "sha256", model.Sha256 is null || (model.Sha256.Length == 64 && model.Sha256.All(char.IsAsciiHexDigit)), "sha256 must be 64 hexadecimal digits.");
        Check(errors, "maxWorkers", model.MaxWorkers is >= 1 and <= 64, "Max Workers must be between 1 and 64.");
        Check(errors, "parallel", model.Parallel is >= 1 and <= 256, "Parallel must be between 1 and 256.");
        Check(errors, "contextSize", model.ContextSize >= 16, "Context Size must be at least 16 tokens.");
        Check(errors, "cores", model.Cores >= 1, "Cores must be at least 1.");
        Check(errors, "maxQueue", model.MaxQueue >= 0, "Max queue cannot be negative.");
        Check(errors, "maxQueueSeconds", model.MaxQueueSeconds >= 1, "Max queue seconds must be at least 1.");
        Check(errors, "pooling", model.Pooling is null || (model.Embedding && ModelSpec.PoolingTypes.Contains(model.Pooling)),
            model.Embedding ? "pooling must be mean, cls or last (or absent: the model file's own)." : "pooling applies to embedding models only (\"embedding\": true).");
        Check(errors, "promptCacheMiB", model.PromptCacheMiB >= 0, "Prompt Cache MiB cannot be negative.");
        Check(errors, "minWorkers", model.MinWorkers >= 0 && model.MinWorkers <= Math.Max(1, model.MaxWorkers), "Min Workers must be between 0 and Max Workers.");
        return errors;
    }

    public static Dictionary<string, string[]> Validate(AssistantSpec assistant)
    {
        var errors = new Dictionary<string, string[]>();
        Check(errors, "name", !string.IsNullOrWhiteSpace(assistant.Name), "An assistant needs a name.");
        Check(errors, "model", !string.IsNullOrWhiteSpace(assistant.Model) || assistant.Upstream is not null, "An assistant needs a model (or an upstream).");
        UpstreamKeys.Validate(assistant.Upstream, (field, message) => Check(errors, field, false, message));
        Check(errors, "temperature", assistant.Temperature is null or (>= 0 and <= 1), "Temperature must be between 0.0 and 1.0.");
        Check(errors, "maxTokens", assistant.MaxTokens >= 0, "Max Tokens cannot be negative (0 means no limit).");
        Check(errors, "contextScore", assistant.ContextScore is >= 0 and <= 100, "Context Score must be between 0 and 100.");
        return errors;
    }

    private static void Check(Dictionary<string, string[]> errors, string field, bool valid, string message)
    {
        if (!valid)
        {
            errors[field] = [message];
        }
    }
}
