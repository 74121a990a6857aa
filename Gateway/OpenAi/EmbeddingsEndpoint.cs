using Verge.Orleans.Gateway.Identity;
using Verge.Orleans.Gateway.OpenAi.Contracts;
using Verge.Orleans.Gateway.Serving;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi;

internal static class EmbeddingsEndpoint
{
    /// <summary><c>POST /v1/embeddings</c>: one unit-length vector per input, in OpenAI's list shape, or an error.</summary>
    public static async Task<IResult> HandleAsync(HttpContext http, EmbeddingRunner runner, ILogger<EmbeddingsRequest> logger)
    {
        var aborted = http.RequestAborted;
        EmbeddingsRequest? request = null;
        try
        {
            var body = await RequestBody.ReadAsync(http.Request, OpenAiRequestJsonContext.Default.EmbeddingCreateRequest, aborted);
            request = EmbeddingRequestValidator.Validate(body);
            UnknownFields.Log(logger, "embeddings", request.IgnoredFields);
            if (!http.Grant().MayUse(request.Model))
            {
                throw ServingException.ModelNotFound(request.Model);
            }

            var result = await runner.EmbedAsync(request.Model, request.Embedding, aborted);
            var data = result.Vectors.Select((vector, index) => new EmbeddingEntry(index, new EmbeddingVector(vector, request.Base64))).ToList();
            return Results.Json(new EmbeddingList(data, request.Model, new EmbeddingUsage(result.PromptTokens)), OpenAiJsonContext.Default.EmbeddingList);
        }
        catch (Exception error) when (!aborted.IsCancellationRequested)
        {
            runner.Refused(request?.Model ?? "", OpenAiErrors.Map(error).Status);
            return OpenAiErrors.ToResult(error);
        }
    }
}
