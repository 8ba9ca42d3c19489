"""The providers' endpoints (the local cloud points them at its fakes) and the call timeout."""

from pydantic import Field

from tessera.core.settings import CoreSettings


class ChannelsSettings(CoreSettings):
    telegram_api_base: str = Field("https://api.telegram.org", alias="TELEGRAM_API_BASE")
    smsc_api_base: str = Field("https://smsc.ru", alias="SMSC_API_BASE")
    twilio_api_base: str = Field("https://api.twilio.com", alias="TWILIO_API_BASE")
    whatsapp_api_base: str = Field("https://graph.facebook.com/v21.0", alias="WHATSAPP_API_BASE",
                                   description="the Graph API with its version")
    max_api_base: str = Field("https://platform-api.max.ru", alias="MAX_API_BASE")
    calcom_api_base: str = Field("https://api.cal.com", alias="CALCOM_API_BASE")
    timeout_seconds: float = Field(8.0, alias="CHANNEL_TIMEOUT_SECONDS", gt=0, le=25,
                                   description="one provider call; an API function has 29 s in all")
