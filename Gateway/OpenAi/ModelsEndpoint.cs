using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

internal static class ModelsEndpoint
{
    /// <summary><c>GET /v1/models</c>: the assistants, in OpenAI's list shape.</summary>
    public static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains)
    {
        var grant = http.Grant();
        var assistants = await grains.GetGrain<ICatalogGrain>(0).ListAssistantsAsync();
        var entries = assistants.Where(a => grant.MayUse(a.Name)).Select(a => new ModelEntry(a.Name, a.Created.ToUnixTimeSeconds(), "verge")).ToArray();
        return Results.Json(new ModelList(entries), OpenAiJsonContext.Default.ModelList);
    }

    /// <summary>
    /// <c>GET /v1/models/{id}</c>: one assistant the key may use; any other name is 404
    /// <c>model_not_found</c>, so a hidden assistant cannot be told from a missing one.
    /// </summary>
    public static async Task<IResult> GetAsync(string id, HttpContext http, IGrainFactory grains)
    {
        var assistant = http.Grant().MayUse(id) ? await grains.GetGrain<ICatalogGrain>(0).GetAssistantAsync(id) : null;
        return assistant is null
            ? OpenAiErrors.ToResult(ServingException.ModelNotFound(id))
            : Results.Json(new ModelEntry(assistant.Name, assistant.Created.ToUnixTimeSeconds(), "verge"), OpenAiJsonContext.Default.ModelEntry);
    }
}
