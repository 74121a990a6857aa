using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.Admin;

/// <summary>Models, assistants and workers (admins only): what is created here serves through <c>/v1</c> at once.</summary>
internal static class CatalogEndpoints
{
    public static async Task<IResult> ListModelsAsync(IGrainFactory grains) =>
        Results.Ok(await Catalog(grains).ListModelsAsync());

    public static async Task<IResult> GetModelAsync(IGrainFactory grains, string model) =>
        Results.Ok(await Catalog(grains).GetModelAsync(model) ?? throw ServingException.NotFound($"Model '{model}'"));

    /// <summary>Registers a model (and its same-named assistant) and starts it: download, load, online.</summary>
    public static async Task<IResult> CreateModelAsync(CatalogCommands commands, ModelSpec body)
    {
        if (Validate(body) is { } refused)
        {
            return refused;
        }

        var created = await commands.CreateModelAsync(body);
        return Results.Created($"/api/v1/models/{Uri.EscapeDataString(created.Name)}", created);
    }

    /// <summary>Changes a model: its workers stop and start again with the new configuration (unless it is stopped).</summary>
    public static async Task<IResult> UpdateModelAsync(CatalogCommands commands, string model, ModelSpec body) =>
        Validate(body with { Name = model }) ?? Results.Ok(await commands.UpdateModelAsync(body with { Name = model }));

    public static async Task<IResult> DeleteModelAsync(CatalogCommands commands, string model)
    {
        await commands.DeleteModelAsync(model);
        return Results.NoContent();
    }

    /// <summary>State, reason, download progress and worker count of a model.</summary>
    public static Task<IResult> GetModelStatusAsync(CatalogCommands commands, string model) =>
        ModelActionAsync(commands, model, m => m.GetStatusAsync());

    public static Task<IResult> StartModelAsync(CatalogCommands commands, string model) =>
        ModelActionAsync(commands, model, m => m.StartAsync());

    public static Task<IResult> StopModelAsync(CatalogCommands commands, string model) =>
        ModelActionAsync(commands, model, m => m.StopAsync());

    public static Task<IResult> RestartModelAsync(CatalogCommands commands, string model) =>
        ModelActionAsync(commands, model, m => m.RestartAsync());

    private static async Task<IResult> ModelActionAsync(CatalogCommands commands, string model, Func<IModelGrain, Task<ModelStatus>> action) =>
        Results.Ok(await commands.ModelActionAsync(model, action));

    public static async Task<IResult> ListAssistantsAsync(IGrainFactory grains) =>
        Results.Ok(await Catalog(grains).ListAssistantsAsync());

    public static async Task<IResult> GetAssistantAsync(IGrainFactory grains, string assistant) =>
        Results.Ok(await Catalog(grains).GetAssistantAsync(assistant) ?? throw ServingException.NotFound($"Assistant '{assistant}'"));

    public static async Task<IResult> CreateAssistantAsync(CatalogCommands commands, AssistantSpec body) =>
        Validate(body)
            ?? Results.Created($"/api/v1/assistants/{Uri.EscapeDataString(body.Name)}", await commands.CreateAssistantAsync(body));

    public static async Task<IResult> UpdateAssistantAsync(CatalogCommands commands, string assistant, AssistantSpec body) =>
        Validate(body with { Name = assistant }) ?? Results.Ok(await commands.UpdateAssistantAsync(body with { Name = assistant }));

    public static async Task<IResult> DeleteAssistantAsync(CatalogCommands commands, string assistant)
    {
        await commands.DeleteAssistantAsync(assistant);
        return Results.NoContent();
    }

    /// <summary>"View Workers": every model worker with its silo, slots, queue and engine counters.</summary>
    public static async Task<IResult> ListWorkersAsync(CatalogCommands commands) => Results.Ok(await commands.ListWorkersAsync());

    /// <summary>"View Workers", the other half: the gateways (AI-Helper Workers) that reported within 30 s.</summary>
    public static async Task<IResult> ListGatewaysAsync(IGrainFactory grains) =>
        Results.Ok(await grains.GetGrain<IGatewayDirectoryGrain>(0).ListAsync());

    private static ICatalogGrain Catalog(IGrainFactory grains) => grains.GetGrain<ICatalogGrain>(0);

    private static IResult? Validate(ModelSpec model) => CatalogRules.Validate(model) is { Count: > 0 } errors ? Results.ValidationProblem(errors) : null;

    private static IResult? Validate(AssistantSpec assistant) => CatalogRules.Validate(assistant) is { Count: > 0 } errors ? Results.ValidationProblem(errors) : null;
}
