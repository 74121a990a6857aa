using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Gateway.Upstreams;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>Models, assistants and workers (admins only): what is created here serves through <c>/v1</c> at once.</summary>
internal static class CatalogEndpoints
{
    public static async Task<IResult> ListModelsAsync(HttpContext http, IGrainFactory grains) =>
        AdminGuard.RequireAdmin(http) ?? Results.Ok(await Catalog(grains).ListModelsAsync());

    public static async Task<IResult> GetModelAsync(HttpContext http, IGrainFactory grains, string model) =>
        AdminGuard.RequireAdmin(http) ?? Results.Ok(await Catalog(grains).GetModelAsync(model) ?? throw ServingException.NotFound($"Model '{model}'"));

    /// <summary>Registers a model (and its same-named assistant) and starts it: download, load, online.</summary>
    public static async Task<IResult> CreateModelAsync(HttpContext http, IGrainFactory grains, ModelSpec body)
    {
        if ((AdminGuard.RequireAdmin(http) ?? Validate(body)) is { } refused)
        {
            return refused;
        }

        var created = await Catalog(grains).CreateModelAsync(body);
        await grains.GetGrain<IModelGrain>(created.Name).StartAsync();
        return Results.Created($"/api/v1/models/{Uri.EscapeDataString(created.Name)}", created);
    }

    /// <summary>Changes a model: its workers stop and start again with the new configuration (unless it is stopped).</summary>
    public static async Task<IResult> UpdateModelAsync(HttpContext http, IGrainFactory grains, string model, ModelSpec body)
    {
        if ((AdminGuard.RequireAdmin(http) ?? Validate(body with { Name = model })) is { } refused)
        {
            return refused;
        }

        var updated = await Catalog(grains).UpdateModelAsync(body with { Name = model });
        await grains.GetGrain<IModelGrain>(model).ReconfigureAsync();
        return Results.Ok(updated);
    }

    public static async Task<IResult> DeleteModelAsync(HttpContext http, IGrainFactory grains, string model)
    {
        if (AdminGuard.RequireAdmin(http) is { } refused)
        {
            return refused;
        }

        await Catalog(grains).DeleteModelAsync(model);
        await grains.GetGrain<IModelGrain>(model).ReconfigureAsync();
        return Results.NoContent();
    }

    /// <summary>State, reason, download progress and worker count of a model.</summary>
    public static Task<IResult> GetModelStatusAsync(HttpContext http, IGrainFactory grains, string model) =>
        ModelActionAsync(http, grains, model, m => m.GetStatusAsync());

    public static Task<IResult> StartModelAsync(HttpContext http, IGrainFactory grains, string model) =>
        ModelActionAsync(http, grains, model, m => m.StartAsync());

    public static Task<IResult> StopModelAsync(HttpContext http, IGrainFactory grains, string model) =>
        ModelActionAsync(http, grains, model, m => m.StopAsync());

    public static Task<IResult> RestartModelAsync(HttpContext http, IGrainFactory grains, string model) =>
        ModelActionAsync(http, grains, model, m => m.RestartAsync());

    private static async Task<IResult> ModelActionAsync(HttpContext http, IGrainFactory grains, string model, Func<IModelGrain, Task<ModelStatus>> action)
    {
        if (AdminGuard.RequireAdmin(http) is { } refused)
        {
            return refused;
        }

        _ = await Catalog(grains).GetModelAsync(model) ?? throw ServingException.NotFound($"Model '{model}'");
        return Results.Ok(await action(grains.GetGrain<IModelGrain>(model)));
    }

    public static async Task<IResult> ListAssistantsAsync(HttpContext http, IGrainFactory grains) =>
        AdminGuard.RequireAdmin(http) ?? Results.Ok(await Catalog(grains).ListAssistantsAsync());

    public static async Task<IResult> GetAssistantAsync(HttpContext http, IGrainFactory grains, string assistant) =>
        AdminGuard.RequireAdmin(http) ?? Results.Ok(await Catalog(grains).GetAssistantAsync(assistant) ?? throw ServingException.NotFound($"Assistant '{assistant}'"));

    public static async Task<IResult> CreateAssistantAsync(HttpContext http, IGrainFactory grains, UpstreamKeyProtector keys, UpstreamAssistants upstreams, AssistantSpec body) =>
        AdminGuard.RequireAdmin(http) ?? Validate(body)
            ?? Results.Created($"/api/v1/assistants/{Uri.EscapeDataString(body.Name)}",
                Edited(upstreams, await Catalog(grains).CreateAssistantAsync(UpstreamKeys.Seal(body, null, keys))));

    public static async Task<IResult> UpdateAssistantAsync(
        HttpContext http, IGrainFactory grains, UpstreamKeyProtector keys, UpstreamAssistants upstreams, string assistant, AssistantSpec body) =>
        AdminGuard.RequireAdmin(http) ?? Validate(body with { Name = assistant })
            ?? Results.Ok(Edited(upstreams, await Catalog(grains).UpdateAssistantAsync(
                UpstreamKeys.Seal(body with { Name = assistant }, await Catalog(grains).GetAssistantAsync(assistant), keys))));

    private static AssistantSpec Edited(UpstreamAssistants upstreams, AssistantSpec saved)
    {
        upstreams.Invalidate();
        return saved;
    }

    public static async Task<IResult> DeleteAssistantAsync(HttpContext http, IGrainFactory grains, string assistant)
    {
        if (AdminGuard.RequireAdmin(http) is { } refused)
        {
            return refused;
        }

        await Catalog(grains).DeleteAssistantAsync(assistant);
        http.RequestServices.GetRequiredService<UpstreamAssistants>().Invalidate();
        return Results.NoContent();
    }

    /// <summary>"View Workers": every model worker with its silo, slots, queue and engine counters.</summary>
    public static async Task<IResult> ListWorkersAsync(HttpContext http, IGrainFactory grains)
    {
        if (AdminGuard.RequireAdmin(http) is { } refused)
        {
            return refused;
        }

        var models = await Catalog(grains).ListModelsAsync();
        var workers = await Task.WhenAll(models.Select(m => grains.GetGrain<IModelGrain>(m.Name).GetWorkersAsync()));
        return Results.Ok(workers.SelectMany(w => w));
    }

    /// <summary>"View Workers", the other half: the gateways (AI-Helper Workers) that reported within 30 s.</summary>
    public static async Task<IResult> ListGatewaysAsync(HttpContext http, IGrainFactory grains) =>
        AdminGuard.RequireAdmin(http) ?? Results.Ok(await grains.GetGrain<IGatewayDirectoryGrain>(0).ListAsync());

    private static ICatalogGrain Catalog(IGrainFactory grains) => grains.GetGrain<ICatalogGrain>(0);

    private static IResult? Validate(ModelSpec model)
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
        Check(errors, "pooling", model.Pooling is null || (model.Embedding && ModelSpec.PoolingTypes.Contains(model.Pooling)),
            model.Embedding ? "pooling must be mean, cls or last (or absent: the model file's own)." : "pooling applies to embedding models only (\"embedding\": true).");
        Check(errors, "promptCacheMiB", model.PromptCacheMiB >= 0, "Prompt Cache MiB cannot be negative.");
        Check(errors, "minWorkers", model.MinWorkers >= 0 && model.MinWorkers <= Math.Max(1, model.MaxWorkers), "Min Workers must be between 0 and Max Workers.");
        return errors.Count == 0 ? null : Results.ValidationProblem(errors);
    }

    private static IResult? Validate(AssistantSpec assistant)
    {
        var errors = new Dictionary<string, string[]>();
        Check(errors, "name", !string.IsNullOrWhiteSpace(assistant.Name), "An assistant needs a name.");
        Check(errors, "model", !string.IsNullOrWhiteSpace(assistant.Model) || assistant.Upstream is not null, "An assistant needs a model (or an upstream).");
        UpstreamKeys.Validate(assistant.Upstream, (field, message) => Check(errors, field, false, message));
        Check(errors, "temperature", assistant.Temperature is null or (>= 0 and <= 1), "Temperature must be between 0.0 and 1.0.");
        Check(errors, "maxTokens", assistant.MaxTokens >= 0, "Max Tokens cannot be negative (0 means no limit).");
        Check(errors, "contextScore", assistant.ContextScore is >= 0 and <= 100, "Context Score must be between 0 and 100.");
        return errors.Count == 0 ? null : Results.ValidationProblem(errors);
    }

    private static void Check(Dictionary<string, string[]> errors, string field, bool valid, string message)
    {
        if (!valid)
        {
            errors[field] = [message];
        }
    }
}
